/**
 * What one text field of a visit (chief complaint or triage note) says, before the visit's codes
 * are decided: its drug mentions with their role, and the cues found. Pure data, shared between
 * visits with the same text (memoised), so nothing downstream may modify it.
 */
import type { CategoryInfo, DrugTerm } from './tables.ts';

/** What a mention is in this visit: only `acute` mentions can be this visit's poisoning. */
export type MentionRole = 'acute' | 'negated' | 'uncertain' | 'history' | 'believed' | 'therapeutic' | 'maintenance' | 'withdrawal' | 'detox';

export const ROLE_REASON: Record<Exclude<MentionRole, 'acute'>, string> = {
  negated: 'negated',
  uncertain: 'uncertain ("possible"), not coded (ICD-10-CM Guidelines IV.H)',
  history: 'history, not this visit',
  believed: 'what it was sold or taken as, not confirmed (counterfeit pills are often fentanyl)',
  therapeutic: 'therapeutic use, not poisoning',
  maintenance: 'maintenance treatment, not poisoning',
  withdrawal: 'withdrawal, not poisoning',
  detox: 'detox or treatment request, not poisoning',
};

export interface Mention {
  term: DrugTerm;
  info: CategoryInfo;
  /** The words as written (expanded). */
  text: string;
  corrections: [string, string][];
  role: MentionRole;
}

export interface FieldFacts {
  mentions: Mention[];
  /** Overdose words stated as fact (not negated, uncertain, planned or past). */
  overdose: boolean;
  /** The first overdose phrase stated only as possible ("possible overdose"), for review. */
  uncertainOverdose: string | null;
  /** Naloxone given (not a kit request, not "no narcan"). */
  naloxone: boolean;
  depressed: boolean;
  intoxication: boolean;
  /** An alcohol sign (odor on breath, slurred speech) in a sentence naming alcohol. */
  alcoholSign: boolean;
  withdrawal: boolean;
  detox: boolean;
  /** A swallowing word ("ate", "got into"), for a young child's ingestion. */
  ingest: boolean;
  foreignBody: boolean;
  selfHarm: boolean;
  selfHarmHistory: boolean;
  assault: boolean;
  undetermined: boolean;
  accidental: boolean;
  negated: string[];
  /** Substance-like words no table knows, in a sentence about an overdose. */
  unknownWords: string[];
  /**
   * Nothing here can change a visit's codes, drugs or negated list: no mention, no overdose,
   * naloxone, withdrawal, detox or assault, nothing uncertain or negated. Most fields ("SOB",
   * "abd pain x2d") are quiet; the coder takes a short path when every field is.
   */
  quiet: boolean;
}

/** Whether the facts can change anything on their own or with the other field (see `quiet`). */
export function isQuiet(f: FieldFacts): boolean {
  return f.mentions.length === 0 && !f.overdose && !f.naloxone && f.uncertainOverdose === null && !f.withdrawal && !f.detox && !f.assault && f.negated.length === 0;
}

export function emptyFacts(): FieldFacts {
  return {
    mentions: [], overdose: false, uncertainOverdose: null, naloxone: false, depressed: false, intoxication: false,
    alcoholSign: false, withdrawal: false, detox: false, ingest: false, foreignBody: false, selfHarm: false,
    selfHarmHistory: false, assault: false, undetermined: false, accidental: false, negated: [], unknownWords: [], quiet: true,
  };
}
