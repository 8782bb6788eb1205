/**
 * Turning index entries into the phrases certifiers write. The indexes print terms in a
 * dictionary form ("Infarct, infarction" › "myocardium, myocardial" (acute)); a certificate says
 * "acute myocardial infarction". Everything here is conservative: when an entry's shape is not
 * understood, it produces nothing rather than a guess.
 */
import { normaliseText } from '../normalise.ts';

/** Words that introduce a sub-term which continues the phrase ("fall from ladder", "sepsis due to ..."). */
const CONNECTORS = [
  'with', 'without', 'due to', 'in', 'on', 'of', 'from', 'off', 'out of', 'into', 'over', 'through',
  'following', 'after', 'during', 'by', 'involving', 'complicating', 'secondary to', 'associated with',
  'at', 'to', 'while', 'resulting from', 'caused by', 'affecting', 'as', 'for', 'under', 'against',
  'between', 'within', 'not', 'except', 'and', 'down', 'across', 'near', 'onto', 'upon', 'inside', 'around',
  'set in motion by', 'via',
];
const CONNECTOR_RE = new RegExp(`^(${CONNECTORS.map((c) => c.replace(/ /g, '\\s+')).join('|')})\\b`, 'i');

/** Single words that are not a cause of death on their own (the coder must not match them alone). */
export const GENERIC_WORDS = new Set(
  `disease diseases diseased condition conditions acute chronic subacute use user history failure failed syndrome
  disorder disorders injury injuries infection infections problem problems abnormal abnormality abnormalities
  complication complications effect effects status state lesion lesions mass finding findings test death dead
  arrest arrested unknown other unspecified type stage multiple severe mild moderate left right old new
  primary secondary late early unit part site region organ organs system body tissue general generalized
  localized local total partial complete incomplete simple mixed hereditary congenital acquired traumatic
  nontraumatic natural accident accidental accidents intentional undetermined pending cause causes manner due
  medical surgical procedure operation therapy treatment drug drugs medicine medication medications toxic
  toxicity poisoning overdose intoxication exposure sequela sequelae residual care hospital patient
  deficiency insufficiency disturbance dysfunction degeneration anomaly defect deformity malformation
  obstruction rupture ruptured infarct infarction necrosis swelling hypertrophy inflammation ulcer tumor
  tumour neoplasm growth cyst polyp stricture stenosis dilatation enlargement symptom symptoms sign signs
  cancer carcinoma malignancy malignant benign metastasis metastases metastatic falls falling blow struck
  found water air fire heat cold gas smoke food fish salt oil paint dust fumes vapor vapour agent substance
  substances chemical chemicals product preparation compound compounds mixture solution gun car`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that carry no meaning alone; a phrase made only of these (and generic words) is dropped. */
const STOP_WORDS = new Set(
  `a an the of in on at to by for with without from off out into over through and or nor not as is are was
  be been due following after during while than then this that these those any all some such other s`
    .split(/\s+/)
    .filter(Boolean),
);

/** Adjective endings: a sub-term ending so reads "X <main>" but not "<main> of X". */
const ADJECTIVE_ENDING = /(al|ic|ous|ive|ed|ar|ary|oid|ing|ile|ant|ent|ical|otic|atic|ful|less|like|ory|ian)$/;

/** Levenshtein distance (small strings only). */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Whether two comma-separated pieces are spelling or grammatical variants of one word ("Infarct, infarction"). */
export function isVariant(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x.includes(' ') || y.includes(' ')) {
    // Multi-word pieces: variants only when they differ in their last word ("stairs, steps" is not).
    const xs = x.split(' ');
    const ys = y.split(' ');
    if (xs.length !== ys.length || xs.slice(0, -1).join(' ') !== ys.slice(0, -1).join(' ')) return false;
    return isVariant(xs[xs.length - 1]!, ys[ys.length - 1]!);
  }
  if (y.startsWith(x) || x.startsWith(y)) return Math.min(x.length, y.length) >= 3;
  const sx = stem(x);
  const sy = stem(y);
  if (sx.length >= 4 && sx === sy) return true;
  return editDistance(x, y) / Math.max(x.length, y.length) <= 0.45;
}

/** A crude stem: the word without one common derivational ending ("failure"/"failed" → "fail"). */
function stem(word: string): string {
  const m = /^(.{3,}?)(ations?|ation|otic|osis|ities|ity|isms?|ure|ed|ing|ions?|ive|ical|ic|al|ous|ia|ies|es|s|y|e)$/.exec(word);
  return m ? m[1]! : word;
}

/** Removes what is never part of the words: [bracketed glosses], (parentheses), "NEC", "NOS", stray punctuation. */
export function cleanTerm(term: string): string {
  return term
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\b(NEC|NOS)\b/g, ' ')
    .replace(/\s+,/g, ',')
    .replace(/,+/g, ',')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,]+|[\s,]+$/g, '');
}

/** Qualifiers that are the default meaning of the head word, which then stands alone too. */
export const DEFAULT_QUALIFIER = /^traumatic$/i;

/** Qualifier pieces that are not part of a name ("Nerve gas, not in war"). */
const QUALIFIER_PIECE = /^(not in war|type not specified|so stated|so described|any|unspecified|specified|other specified|unspecified site|site unspecified|specified site|by site|by type)$/i;

/** A verb phrase that continues with its object: "bitten by", "struck against". */
export const ENDS_WITH_PREPOSITION = /\b(by|with|to|of|in|on|from|against|into|onto)$/i;

export function isConnector(text: string): boolean {
  return CONNECTOR_RE.test(text.trim());
}

/**
 * The word forms an index term stands for, in natural order:
 * "Infarct, infarction" → ["infarct", "infarction"]; "Acid, acetic" → ["acetic acid"];
 * "from, off, out of" → ["from", "off", "out of"]; "healed or old" → ["healed", "old"];
 * "acute, without myocardial infarction" → ["acute without myocardial infarction"].
 * Returns [] when the shape is not understood (the entry is then skipped).
 */
export function termForms(term: string, commas: 'natural' | 'alternatives' = 'natural'): string[] {
  const cleaned = cleanTerm(term);
  if (!cleaned || /(--| - |\bcode (to|as)\b|\bmeaning\b|^note\b|\bsee\b)/i.test(cleaned)) return [];
  // "specified type NEC", "other specified": the index's catch-all rows, which no certifier writes.
  if (/^(other )?specified\b/i.test(cleaned)) return [];
  // Split on ", " but not inside numbers ("2,4-D").
  const pieces = cleaned
    .split(/,\s+/)
    .map((p) => p.trim())
    .filter((p) => p && !QUALIFIER_PIECE.test(p));
  if (pieces.length === 0) return [];
  let forms: string[];
  if (pieces.length === 1) {
    forms = [pieces[0]!];
  } else if (pieces.every((p) => isConnector(p))) {
    forms = pieces; // "from, off, out of"
  } else if (pieces.slice(1).every((p) => isVariant(pieces[0]!, p) || ENDS_WITH_PREPOSITION.test(p))) {
    forms = pieces; // "Infarct, infarction"; "Bite, bitten by"
  } else if (commas === 'alternatives' && pieces.every((p) => !isConnector(p) && p.split(' ').length <= 2)) {
    forms = pieces; // "fire, flames", "stairs, steps" in the External Cause Index
  } else if (pieces.length === 2) {
    const [head, second] = pieces as [string, string];
    if (isConnector(head)) return []; // "due to displacement, intervertebral disc"
    forms = isConnector(second) ? [`${head} ${second}`] : [`${second} ${head}`];
    // "Fracture, traumatic": a fracture on a certificate is traumatic unless it says otherwise.
    if (DEFAULT_QUALIFIER.test(second)) forms.push(head);
  } else {
    return [];
  }
  // "healed or old", "embolic or thrombotic": two single words joined by "or" are alternatives.
  const out: string[] = [];
  for (const form of forms) {
    const or = /^(\S+) or (\S+)$/.exec(form);
    if (or) out.push(or[1]!, or[2]!);
    else if (/\bor\b/.test(form)) continue;
    else out.push(form);
  }
  return out;
}

/** Nonessential modifiers usable as words: "(acute) (with stated duration...) (ESRD)" → words ["acute"], acronyms ["ESRD"]. */
export function parseModifiers(modifiers: string): { words: string[]; acronyms: string[] } {
  const words: string[] = [];
  const acronyms: string[] = [];
  for (const m of modifiers.matchAll(/\(([^()]*)\)/g)) {
    const text = m[1]!.trim();
    if (/^[A-Z][A-Z0-9]{2,7}$/.test(text) && !/^(NEC|NOS)$/.test(text)) {
      acronyms.push(text);
      continue;
    }
    if (!/^[a-z][a-z'-]*$/.test(text)) continue; // one lower-case word
    if (isConnector(text) || /^(see|s|es|of|NEC|NOS)$/i.test(text)) continue;
    words.push(text);
  }
  return { words, acronyms };
}

/** Whether a (normalised) sub-term reads as a noun, so "<main> of <sub>" is natural. */
export function nounLike(normalised: string): boolean {
  const last = normalised.split(' ').pop() ?? '';
  return !ADJECTIVE_ENDING.test(last) && !/\d/.test(last);
}

/**
 * Normalises a phrase and returns every spelling certifiers use for its possessives:
 * "Alzheimer's disease" → ["alzheimer s disease", "alzheimers disease", "alzheimer disease"].
 */
export function spellings(phrase: string): string[] {
  const base = normaliseText(phrase);
  if (!/'s\b|s'(\s|$)/i.test(phrase)) return base ? [base] : [];
  const joined = normaliseText(phrase.replace(/'s\b/gi, 's').replace(/s'(\s|$)/gi, 's$1'));
  const dropped = normaliseText(phrase.replace(/'s\b/gi, '').replace(/s'(\s|$)/gi, 's$1'));
  // A bare eponym ("Osler's" → "osler") is a surname, not a disease: only with its noun.
  const forms = dropped.includes(' ') ? [base, joined, dropped] : [base, joined];
  return [...new Set(forms.filter(Boolean))];
}

/** Whether a normalised phrase is specific enough to be a lexicon term. */
export function acceptablePhrase(term: string, maxTokens = 7): boolean {
  if (!term) return false;
  const tokens = term.split(' ');
  if (tokens.length > maxTokens) return false;
  // One short word ("hit", "may", "alt", "icu") is too often something else; curated rows add back the few needed.
  if (tokens.length === 1 && (GENERIC_WORDS.has(term) || term.length < 4)) return false;
  if (tokens.every((t) => STOP_WORDS.has(t) || GENERIC_WORDS.has(t))) return false;
  if (!tokens.some((t) => /[a-z]{3,}/.test(t))) return false; // "2 4 d", "b 12"
  if (STOP_WORDS.has(tokens[0]!) && !['a', 'an'].includes(tokens[0]!)) return false; // "of heart", "in pregnancy"
  if (STOP_WORDS.has(tokens[tokens.length - 1]!)) return false; // "infarction of", "disease with"
  return true;
}
