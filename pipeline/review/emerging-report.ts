/**
 * The emerging-substances report over the database: the two periods (ending the day after the
 * newest record, so days not yet received are not read as silence), the texts in overdose
 * context (review_overdose_context_texts.sql) and a background sample of the rest
 * (review_background_texts.sql), the ranking (emerging.ts) against the current
 * lexicon with its approved terms, and for each word the term proposal to send in one click.
 * Words a coder already proposed are marked; rejected ones are left out.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryCatalog } from '../store/sql-files.ts';
import { MIN_SPECIFICITY, rankEmerging, UnknownWords, type EmergingPeriods, type EmergingToken, type RecordTexts } from './emerging.ts';
import type { DeathCodingSource } from './lexicon-overlay.ts';

export interface EmergingParameters {
  /** Length of each period in days. */
  days: number;
  /** The day after the recent period (YYYY-MM-DD); null = the day after the newest record. */
  to: string | null;
  minRecent: number;
  limit: number;
  examples: number;
}

export interface EmergingEntry extends EmergingToken {
  /** The body of `POST /api/lexicon/proposals` that proposes this word with the suggested code. */
  proposal: { method: 'POST'; path: string; body: Record<string, unknown> };
  /** A proposal of this word already waiting for an admin. */
  pendingProposal: string | null;
}

const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

export function periodsEnding(to: string, days: number): EmergingPeriods {
  const end = Date.parse(`${to}T00:00:00Z`);
  return { previousFrom: isoDay(end - 2 * days * DAY_MS), recentFrom: isoDay(end - days * DAY_MS), to };
}

export class EmergingReport {
  private words: { version: string; finder: UnknownWords } | null = null;

  constructor(
    private readonly coding: DeathCodingSource,
    /** Words never new besides the lexicon's: the ED tables' ordinary words and drug terms. */
    private readonly knownWords: () => ReadonlySet<string>,
  ) {}

  async run(connection: DuckDBConnection, queries: QueryCatalog, parameters: EmergingParameters) {
    const lexicon = await this.coding.lexicon(connection, queries);
    if (this.words?.version !== lexicon.version) this.words = { version: lexicon.version, finder: new UnknownWords(lexicon, this.knownWords()) };
    let to = parameters.to;
    if (to === null) {
      const [latest] = await queries.rows(connection, 'review_latest_event_day');
      const day = latest?.latest_day;
      to = typeof day === 'string' ? isoDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS) : isoDay(Date.now() + DAY_MS);
    }
    const periods = periodsEnding(to, parameters.days);
    const rows = await queries.rows(connection, 'review_overdose_context_texts', { from: periods.previousFrom, to: periods.to });
    const records: RecordTexts[] = rows.map((r) => ({
      source: r.source as RecordTexts['source'],
      recordId: String(r.record_id),
      day: String(r.day),
      overdose: r.overdose === true,
      texts: (r.texts as (string | null)[]) ?? [],
    }));
    const background: RecordTexts[] = (await queries.rows(connection, 'review_background_texts', { from: periods.previousFrom, to: periods.to })).map((r) => ({
      source: r.source as RecordTexts['source'],
      recordId: String(r.record_id),
      day: String(r.day),
      overdose: false,
      texts: (r.texts as (string | null)[]) ?? [],
    }));
    const proposals = await queries.rows(connection, 'lexicon_proposals', { status: 'all', proposal_id: 0n });
    const rejected = new Set(proposals.filter((p) => p.status === 'rejected').map((p) => String(p.term)));
    const pending = new Map(proposals.filter((p) => p.status === 'pending').map((p) => [String(p.term), String(p.proposal_id)]));
    const ranked = rankEmerging(records, background, this.words.finder, periods, { ...parameters, exclude: rejected });
    const tokens: EmergingEntry[] = ranked.map((t) => ({
      ...t,
      proposal: {
        method: 'POST',
        path: '/api/lexicon/proposals',
        body: {
          term: t.token,
          code: t.suggestion.code,
          kind: 'drug',
          origin: 'emerging',
          comment: `emerging in overdose context: ${t.recent} records ${periods.recentFrom}..${periods.to} (before: ${t.previous}); suggested ${t.suggestion.code}: ${t.suggestion.because}`,
          evidenceRecordIds: t.examples.map((e) => e.recordId),
        },
      },
      pendingProposal: pending.get(t.token) ?? null,
    }));
    return { lexiconVersion: lexicon.version, periods, records: records.length, backgroundRecords: background.length, minSpecificity: MIN_SPECIFICITY, tokens };
  }
}
