/**
 * Triage shorthand → words, as data. Triage notes are terse ("pt fd down, narcan x2, ?OD",
 * "s/p fall w/o LOC", "h/o IVDU"): the coder splits a text into sentences, normalises each with
 * the shared normaliseText, and expands the abbreviations so the context rules read words.
 * Symbols that normalisation would drop are rewritten first: "?" → "possible", "+" → "positive",
 * "O.D." → "od". "OD" next to eye words is the right eye (oculus dexter), not an overdose.
 */
import { osaDistance } from '../deaths/matcher.ts';
import { normalisedWords } from '../lexicon/normalise.ts';

/** One token → words. */
const SINGLE: Readonly<Record<string, string>> = {
  pt: 'patient', pts: 'patients', od: 'overdose', ods: 'overdoses', oded: 'overdosed', oding: 'overdosing',
  ams: 'altered mental status', unresp: 'unresponsive', unresponive: 'unresponsive', unresponisve: 'unresponsive', unrepsonsive: 'unresponsive',
  loc: 'loss of consciousness', si: 'suicidal ideation', hi: 'homicidal ideation', ivdu: 'intravenous drug use',
  ivda: 'intravenous drug use', idu: 'intravenous drug use', pwid: 'intravenous drug use', poss: 'possible', susp: 'suspected', sz: 'seizure', szs: 'seizures',
  sob: 'shortness of breath', w: 'with', wd: 'withdrawal', wds: 'withdrawal', sx: 'symptoms', sxs: 'symptoms',
  bib: 'brought in by', biba: 'brought in by ambulance', pta: 'prior to arrival', unk: 'unknown', intox: 'intoxication',
  intoxicatd: 'intoxicated', neg: 'negative', pos: 'positive', tx: 'treatment', rx: 'prescription', approx: 'approximately',
  narcon: 'narcan', narkan: 'narcan', narcam: 'narcan', naloxon: 'naloxone', overdoes: 'overdose', overdosed: 'overdosed',
  utox: 'urine toxicology', uds: 'urine drug screen', tox: 'toxicology', er: 'ed', resp: 'respirations',
  dopesick: 'dope sick', sib: 'self injurious behavior',
};

/** Two tokens (what "s/p", "c/o", "h/o" become after normalisation) → words. */
const PAIRS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  s: { p: 'status post' },
  c: { o: 'complains of' },
  h: { o: 'history of' },
  r: { o: 'rule out' },
  w: { o: 'without', d: 'withdrawal' },
  d: { t: 'due to' },
  y: { o: 'year old' },
  n: { v: 'nausea vomiting' },
  f: { u: 'follow up' },
  fd: { down: 'found down' },
  od: { d: 'overdosed', ed: 'overdosed' },
  hx: { of: 'history of' },
};

/** Words that make a neighbouring "od" the right eye. */
const EYE_WORDS = new Set(
  'eye eyes vision visual blurry blurred fb foreign cornea corneal conjunctivitis conjunctival tearing eyelid lid stye photophobia redness iritis os ou acuity glaucoma retina retinal floaters sclera scleral chalazion splash'.split(' '),
);

const expansions = new Map<string, string[]>(Object.entries(SINGLE).map(([k, v]) => [k, v.split(' ')]));
expansions.set('hx', ['history', 'of']);
// Maps rather than the records themselves: an object read with an arbitrary token ("151", "bp")
// as its key costs a string-table lookup per token.
const pairExpansions = new Map<string, Map<string, string[]>>(
  Object.entries(PAIRS).map(([first, seconds]) => [first, new Map(Object.entries(seconds).map(([second, words]) => [second, words.split(' ')]))]),
);

/** Long eye words are recognised one typo away too ("rednses OD"). */
const LONG_EYE_WORDS = [...EYE_WORDS].filter((w) => w.length >= 6);

function eyeWord(word: string): boolean {
  return EYE_WORDS.has(word) || (word.length >= 6 && LONG_EYE_WORDS.some((e) => osaDistance(word, e, 1) <= 1));
}

function eyeContext(tokens: readonly string[], i: number): boolean {
  for (let j = Math.max(0, i - 3); j <= Math.min(tokens.length - 1, i + 2); j++) if (j !== i && eyeWord(tokens[j]!)) return true;
  return false;
}

/** Expanded words of one normalised sentence. */
export function expandTokens(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === 'od' && eyeContext(tokens, i)) {
      out.push('right', 'eye');
      continue;
    }
    const pair = i + 1 < tokens.length ? pairExpansions.get(t)?.get(tokens[i + 1]!) : undefined;
    if (pair !== undefined) {
      for (const w of pair) out.push(w);
      i++;
      continue;
    }
    const words = expansions.get(t);
    if (words) for (const w of words) out.push(w);
    else out.push(t);
  }
  return out;
}

const SENTENCE_BREAK = /[;!\n\r]+|\.(?!\d)/;
/** What `sentenceParts` rewrites before splitting: "o.d.", "?" and "+". */
const SYMBOLS = /o\.d|[?+]/i;

/** A triage text → its sentences as written (symbols normalisation would drop already rewritten). */
export function sentenceParts(raw: string): string[] {
  // Most texts have none of the three: the test costs less than the replaces would.
  const text = SYMBOLS.test(raw) ? raw.replace(/\bo\.d\.?(?![a-z])/gi, ' od ').replace(/\?/g, ' possible ').replace(/\+/g, ' positive ') : raw;
  return text.split(SENTENCE_BREAK);
}

/** One sentence part → its expanded words; null when nothing is left. */
export function sentenceTokens(part: string): string[] | null {
  const words = normalisedWords(part);
  return words.length === 0 ? null : expandTokens(words);
}

/** A triage text → sentences of expanded words (empty sentences dropped). */
export function triageSentences(raw: string): string[][] {
  const out: string[][] = [];
  for (const part of sentenceParts(raw)) {
    const tokens = sentenceTokens(part);
    if (tokens !== null) out.push(tokens);
  }
  return out;
}
