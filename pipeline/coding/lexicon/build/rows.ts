/** The row every source produces before the merge. */
import type { LexiconKind } from './cm-to-who.ts';

export type SourceName = 'curated' | 'cm-drugs' | 'cm-external' | 'cm-index';

/** Priority between sources on the same term (lower wins): curated > cm-drugs > cm-external > cm-index. */
export const SOURCE_PRIORITY: Record<SourceName, number> = { curated: 0, 'cm-drugs': 1, 'cm-external': 2, 'cm-index': 3 };

export interface CandidateRow {
  /** Normalised with normaliseText. */
  term: string;
  /** WHO ICD-10, dotted. */
  code: string;
  kind: LexiconKind;
  source: SourceName;
  /** Within a source, how direct the phrase is (lower is better: a main term beats a composed phrase). */
  rank: number;
  /** File order within the source, for ties. */
  seq: number;
  /** Where it came from, for the build report ("Infarct, infarction › myocardium, myocardial"). */
  origin: string;
  /** The CM code as printed, when generated from a CM file. */
  cm?: string;
}
