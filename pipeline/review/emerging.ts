/**
 * Emerging substances: words the lexicon does not know, seen in overdose context, ranked by how
 * fast they grow (a recent period against the one before it), each with example texts and a
 * proposal ready to send. This is how a new adulterant shows up before any code set has it
 * (DOMAIN.md: "surface unknown tokens that appear in overdose context").
 *
 * "Does not know" is decided the way the death coder reads text: the coder's own line extraction
 * (extract.ts) over the lexicon's drug terms, with its one-edit spelling correction, so a
 * misspelled known drug ("fentanly") is not new; then any word of any lexicon term, the coders'
 * cue words, the ED coder's drug terms and the ED tables' ordinary words are known too, and so is
 * a word one edit from any of them (a typo: "toxiicty").
 * "In overdose context" is also a comparison: a word must be at least MIN_SPECIFICITY times as
 * frequent among overdose-context records as in a background sample of the others, or it is an
 * ordinary word of narrative text ("took", "friend", "roommate") rather than a substance. Pure.
 */
import { extractLine } from '../coding/deaths/extract.ts';
import { KNOWN_WORDS, POISONING } from '../coding/deaths/knowledge/context-cues.ts';
import { TermMatcher } from '../coding/deaths/matcher.ts';
import type { Lexicon, LexiconEntry } from '../coding/lexicon/lexicon.ts';
import { normaliseText } from '../coding/lexicon/normalise.ts';
import { formatItemId } from './item-id.ts';

/** Overdose words of ED triage text (DOMAIN.md, CDC overdose definitions) on top of the poisoning cues. */
const ED_OVERDOSE_WORDS = ['od', 'overdose', 'overdosed', 'narcan', 'naloxone', 'unresponsive', 'found', 'down', 'intox', 'intoxicated', 'ingestion', 'ingested'];
const ED_OVERDOSE = /\b(?:od|overdose|overdosed|narcan|naloxone|unresponsive|found down|intox|intoxicated|ingestion|ingested)\b/;

/** How much more frequent in overdose context than in the background a new word must be. */
export const MIN_SPECIFICITY = 5;

const DEATH_FIELDS = ['part1_a', 'part1_b', 'part1_c', 'part1_d', 'part2', 'how_injury'] as const;
const ED_FIELDS = ['chief_complaint', 'triage_note'] as const;

/** Name stems of the substance families DOMAIN.md and the lexicon README name, with their code. */
const STEMS: readonly [RegExp, string, string][] = [
  [/nitazen[ei]$|nitazine$/, 'T40.4', 'a nitazene: novel synthetic opioids are counted with T40.4'],
  [/fentan[iy]l/, 'T40.4', 'a fentanyl analogue'],
  [/(?:azolam|azepam|zolam)$/, 'T42.4', 'a (designer) benzodiazepine'],
  [/(?:cathinone|pentedrone|pyrovalerone)$/, 'T43.6', 'a cathinone: psychostimulant'],
];
const UNSPECIFIED: [string, string] = ['T50.9', 'no class recognised: other and unspecified drugs (as kratom); choose a specific code if known'];

export interface RecordTexts {
  source: 'deaths' | 'ed';
  recordId: string;
  /** YYYY-MM-DD: date of death or of the visit. */
  day: string;
  /** The coding says drug overdose. */
  overdose: boolean;
  /** The fields in DEATH_FIELDS or ED_FIELDS order; null where empty. */
  texts: readonly (string | null)[];
}

export interface EmergingExample {
  itemId: string;
  source: 'deaths' | 'ed';
  recordId: string;
  day: string;
  field: string;
  text: string;
}

export interface EmergingToken {
  token: string;
  /** Records mentioning it in the recent period, and in the period before. */
  recent: number;
  previous: number;
  /** (recent + 1) / (previous + 1): add-one smoothing, so a word never seen before ranks by its count. */
  growth: number;
  /** Records of the background sample with the word (either period). */
  background: number;
  /** Share of overdose-context records with it ÷ share of background records with it; null when no background record has it. */
  specificity: number | null;
  examples: EmergingExample[];
  suggestion: { code: string; because: string };
}

export interface EmergingPeriods {
  /** [previousFrom, recentFrom) is the previous period, [recentFrom, to) the recent one (YYYY-MM-DD). */
  previousFrom: string;
  recentFrom: string;
  to: string;
}

export class UnknownWords {
  private readonly matcher: TermMatcher<LexiconEntry>;
  private readonly known: Set<string>;
  private readonly drugWords: [string, string][];

  /** @param knownWords words that are never new: ordinary words, the ED coder's drug and cue words. */
  constructor(lexicon: Lexicon, knownWords: ReadonlySet<string>) {
    const drugs = lexicon.entries.filter((e) => e.kind === 'drug');
    const preferred = new Set(drugs.flatMap((e) => e.term.split(' ')));
    this.matcher = new TermMatcher(drugs.map((e) => ({ term: e.term, value: e })), KNOWN_WORDS, preferred);
    // The overdose cues themselves are context, never a substance.
    this.known = new Set([...KNOWN_WORDS, ...knownWords, ...ED_OVERDOSE_WORDS]);
    for (const entry of lexicon.entries) for (const word of entry.term.split(' ')) this.known.add(word);
    // Longest first: "fluorofentanyl" is suggested as fentanyl, not as "fluoro".
    this.drugWords = drugs.filter((e) => !e.term.includes(' ') && e.term.length >= 5).map((e): [string, string] => [e.term, e.code]).sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
  }

  /** The words of a text the lexicon does not know (4+ characters, not only digits). */
  of(text: string): string[] {
    const line = extractLine(text, 'part1', 1, this.matcher);
    if (!line) return [];
    return [...new Set(line.unmatchedWords.filter((w) => w.length >= 4 && !/^\d+$/.test(w) && !this.known.has(w) && !this.misspelt(w)))];
  }

  private readonly misspelling = new Map<string, boolean>();

  /**
   * One edit from a known word ("toxiicty", "medicatinos"): a typo, not a substance. As the
   * matcher, only for words of 5+ characters (short words have too many neighbours).
   */
  private misspelt(word: string): boolean {
    if (word.length < 5) return false;
    let answer = this.misspelling.get(word);
    if (answer === undefined) {
      answer = oneEditAway(word).some((w) => w.length >= 5 && this.known.has(w));
      if (this.misspelling.size > 100_000) this.misspelling.clear();
      this.misspelling.set(word, answer);
    }
    return answer;
  }

  /** A code to start the proposal from: a family stem, else a drug name inside the word. */
  suggest(token: string): { code: string; because: string } {
    for (const [stem, code, because] of STEMS) if (stem.test(token)) return { code, because };
    const inside = this.drugWords.find(([word]) => token.includes(word));
    if (inside) return { code: inside[1], because: `contains "${inside[0]}" (${inside[1]})` };
    return { code: UNSPECIFIED[0], because: UNSPECIFIED[1] };
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Every string one deletion, transposition of neighbours, substitution or insertion from `word`. */
function oneEditAway(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.push(head + tail.slice(1));
    if (tail.length > 1) out.push(head + tail[1] + tail[0] + tail.slice(2));
    for (const c of LETTERS) {
      if (tail && c !== tail[0]) out.push(head + c + tail.slice(1));
      out.push(head + c + tail);
    }
  }
  return out;
}

/** Whether a field is overdose context: the record is coded as an overdose, or the field says so. */
function inOverdoseContext(record: RecordTexts, normalised: string): boolean {
  return record.overdose || POISONING.test(normalised) || (record.source === 'ed' && ED_OVERDOSE.test(normalised));
}

/** How many records of `background` use each word (any field). */
function backgroundCounts(background: readonly RecordTexts[], words: UnknownWords): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of background) {
    const found = new Set(record.texts.flatMap((text) => (text ? words.of(text) : [])));
    for (const word of found) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

export function rankEmerging(
  records: readonly RecordTexts[],
  background: readonly RecordTexts[],
  words: UnknownWords,
  periods: EmergingPeriods,
  options: { minRecent: number; limit: number; examples: number; exclude?: ReadonlySet<string> },
): EmergingToken[] {
  const seen = new Map<string, { recent: Set<string>; previous: Set<string>; examples: EmergingExample[] }>();
  const inContext = new Set<string>();
  for (const record of records) {
    if (record.day < periods.previousFrom || record.day >= periods.to) continue;
    const recent = record.day >= periods.recentFrom;
    const fields = record.source === 'deaths' ? DEATH_FIELDS : ED_FIELDS;
    record.texts.forEach((text, i) => {
      if (!text) return;
      if (!inOverdoseContext(record, normaliseText(text))) return;
      inContext.add(`${record.source}-${record.recordId}`);
      for (const token of words.of(text)) {
        if (options.exclude?.has(token)) continue;
        const entry = seen.get(token) ?? { recent: new Set<string>(), previous: new Set<string>(), examples: [] };
        const key = `${record.source}-${record.recordId}`;
        (recent ? entry.recent : entry.previous).add(key);
        if (!entry.examples.some((e) => e.itemId === key)) {
          entry.examples.push({ itemId: formatItemId(record.source, record.recordId), source: record.source, recordId: record.recordId, day: record.day, field: fields[i]!, text });
        }
        seen.set(token, entry);
      }
    });
  }
  const inBackground = backgroundCounts(background, words);
  const ranked: EmergingToken[] = [];
  for (const [token, entry] of seen) {
    if (entry.recent.size < options.minRecent) continue;
    const bg = inBackground.get(token) ?? 0;
    const specificity = bg === 0 ? null : (entry.recent.size + entry.previous.size) / inContext.size / (bg / background.length);
    if (specificity !== null && specificity < MIN_SPECIFICITY) continue;
    const examples = entry.examples.sort((a, b) => (b.day < a.day ? -1 : b.day > a.day ? 1 : a.itemId < b.itemId ? -1 : 1)).slice(0, options.examples);
    ranked.push({
      token,
      recent: entry.recent.size,
      previous: entry.previous.size,
      growth: Math.round(((entry.recent.size + 1) / (entry.previous.size + 1)) * 100) / 100,
      background: bg,
      specificity: specificity === null ? null : Math.round(specificity * 10) / 10,
      examples,
      suggestion: words.suggest(token),
    });
  }
  // Equal growth and count: the more specific to overdose context first (never seen outside it first of all).
  const specific = (t: EmergingToken) => t.specificity ?? Number.POSITIVE_INFINITY;
  return ranked
    .sort((a, b) => b.growth - a.growth || b.recent - a.recent || (specific(a) === specific(b) ? 0 : specific(b) > specific(a) ? 1 : -1) || (a.token < b.token ? -1 : 1))
    .slice(0, options.limit);
}
