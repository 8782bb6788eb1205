// Record-level reads, for the roles allowed them: the coders' review queue (GET /api/review/queue,
// GET /api/review/items/:id) and the line list behind a cell (GET /api/records). Each record comes
// with its own text, its codes and the coder's rule trace.
import { ApiError, type Http } from './http.ts';

/** One line of a record's text: a certificate's Part I line or Part II, or an ED visit's field. */
export interface RecordLine {
  label: string;
  /** The entity-axis line number (1-4 Part I a-d, 6 Part II) the codes on this line carry; null for ED text. */
  number: number | null;
  text: string;
}

export interface CodedRecord {
  id: string;
  source: 'deaths' | 'ed';
  date: string | null;
  age: string | null;
  sex: string | null;
  residence: string | null;
  manner: string | null;
  lines: RecordLine[];
  underlyingCause: string | null;
  /** Record-axis codes (deaths) or the visit's ICD-10-CM codes (ED). */
  codes: string[];
  entityAxis: { line: number; position: number; code: string; text: string }[];
  drugs: { name: string; code: string }[];
  syndromes: string[];
  trace: { rule: string; detail: string }[];
  reviewReasons: string[];
}

export interface RecordPage {
  records: CodedRecord[];
  /** Records behind the cell; more than `records.length` when the server sent a first page. */
  total: number;
}

export interface RecordQuery {
  measure: string;
  geography: string;
  from: string; // YYYY-MM
  to: string;
}

export async function fetchRecords(http: Http, query: RecordQuery, signal?: AbortSignal): Promise<RecordPage> {
  const params = new URLSearchParams({ measure: query.measure, geography: query.geography, from: query.from, to: query.to, limit: '100' });
  const url = `/api/records?${params}`;
  const body = await http.json<{ records?: unknown; total?: unknown }>(url, { feature: 'line lists', signal });
  if (!Array.isArray(body.records)) throw new ApiError('The server’s /api/records answer has no records list. Tell the vigil operators.', 200, url);
  const records = body.records.map((r: Record<string, unknown>) => parseRecord(r, {}));
  return { records, total: typeof body.total === 'number' ? body.total : records.length };
}

/** An item of the review queue: enough to choose what to open. */
export interface QueueItem {
  id: string;
  source: 'deaths' | 'ed';
  state: string;
  jurisdiction: string | null;
  county: string | null;
  date: string | null;
  /** The record's first text (Part I line a, or the chief complaint). */
  summary: string | null;
  underlyingCause: string | null;
  codes: string[];
  reasons: string[];
  pendingSince: string;
  /** Why it is high in the queue, most important first. */
  why: string[];
}

export interface QueuePage {
  items: QueueItem[];
  total: number;
}

export async function fetchReviewQueue(http: Http, limit = 50): Promise<QueuePage> {
  const url = `/api/review/queue?limit=${limit}`;
  const body = await http.json<{ items?: unknown; total?: unknown }>(url, { feature: 'the review queue' });
  if (!Array.isArray(body.items)) throw new ApiError('The server’s /api/review/queue answer has no items list. Tell the vigil operators.', 200, url);
  const items = body.items.map(parseQueueItem);
  return { items, total: typeof body.total === 'number' ? body.total : items.length };
}

export function parseQueueItem(raw: Record<string, unknown>): QueueItem {
  const text = (key: string) => (typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : null);
  const impact = raw['impact'] as { why?: unknown } | undefined;
  return {
    id: String(raw['id']),
    source: raw['source'] === 'ed' ? 'ed' : 'deaths',
    state: String(raw['state'] ?? 'pending'),
    jurisdiction: text('jurisdiction'),
    county: text('countyFips'),
    date: text('eventDate'),
    summary: text('summary'),
    underlyingCause: text('underlyingCause'),
    codes: Array.isArray(raw['codes']) ? raw['codes'].map(String) : [],
    reasons: reasonTexts(raw['reasons']),
    pendingSince: String(raw['pendingSince'] ?? ''),
    why: Array.isArray(impact?.why) ? impact.why.map(String) : [],
  };
}

export async function fetchReviewItem(http: Http, id: string): Promise<CodedRecord> {
  const url = `/api/review/items/${encodeURIComponent(id)}`;
  const item = await http.json<Record<string, unknown>>(url, { feature: 'review items' });
  const record = item['record'] as Record<string, unknown> | undefined;
  if (!record) throw new ApiError('The server’s review item has no record. Tell the vigil operators.', 200, url);
  const coding = (item['coding'] ?? {}) as Record<string, unknown>;
  return parseRecord({ ...record, source: item['source'] }, coding, reasonTexts(item['reasons']));
}

function reasonTexts(reasons: unknown): string[] {
  return Array.isArray(reasons) ? reasons.map((r) => (typeof r === 'string' ? r : String((r as { text?: unknown }).text ?? ''))) : [];
}

const DEATH_LINES = [
  ['I(a)', 1, 'part1_a'],
  ['I(b)', 2, 'part1_b'],
  ['I(c)', 3, 'part1_c'],
  ['I(d)', 4, 'part1_d'],
  ['Part II', 6, 'part2'],
  ['How the injury occurred', null, 'how_injury'],
] as const;
const ED_LINES = [
  ['Chief complaint', 'chief_complaint'],
  ['Triage note', 'triage_note'],
] as const;

/**
 * A record and its coding into one CodedRecord. `raw` is the record (a certificate or visit, in
 * the database's column names) and may carry the coding too, flat and snake_case as `vigil code
 * deaths` prints it; `coding` is the camelCase coding a review item has.
 */
export function parseRecord(raw: Record<string, unknown>, coding: Record<string, unknown>, reasons: string[] = []): CodedRecord {
  const text = (key: string) => (typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : null);
  const field = (camel: string, snake: string) => coding[camel] ?? raw[snake];
  const list = <T>(value: unknown, map: (item: Record<string, unknown>) => T): T[] => (Array.isArray(value) ? (value as Record<string, unknown>[]).map(map) : []);
  const ed = raw['source'] === 'ed' || 'chief_complaint' in raw || 'visit_id' in raw;
  const diagnoses = Array.isArray(raw['discharge_diagnoses']) ? (raw['discharge_diagnoses'] as unknown[]).map(String) : [];
  const lines: RecordLine[] = ed
    ? [
        ...ED_LINES.flatMap(([label, key]) => (text(key) ? [{ label, number: null, text: text(key)! }] : [])),
        ...(diagnoses.length ? [{ label: 'Discharge diagnoses', number: null, text: diagnoses.join(', ') }] : []),
      ]
    : DEATH_LINES.flatMap(([label, number, key]) => (text(key) ? [{ label, number, text: text(key)! }] : []));
  const review = raw['review'] as { reasons?: unknown } | undefined;
  const codes = field('recordAxis', 'record_axis') ?? coding['codes'] ?? raw['codes'];
  const cause = field('underlyingCause', 'underlying_cause');
  const residence = text('residence_county_fips') ?? text('patient_county_fips');
  return {
    id: String(raw['certificate_id'] ?? raw['visit_id'] ?? raw['record_id'] ?? ''),
    source: ed ? 'ed' : 'deaths',
    date: text('death_date') ?? (text('visit_datetime')?.slice(0, 10) ?? null),
    age: raw['age'] === null || raw['age'] === undefined ? null : String(raw['age']),
    sex: text('sex'),
    residence,
    manner: text('manner'),
    lines,
    underlyingCause: typeof cause === 'string' ? cause : null,
    codes: Array.isArray(codes) ? codes.map(String) : [],
    entityAxis: list(field('entityAxis', 'entity_axis'), (e) => ({ line: Number(e['line']), position: Number(e['position']), code: String(e['code']), text: String(e['text'] ?? '') })),
    drugs: list(field('drugs', 'drugs'), (d) => ({ name: String(d['name']), code: String(d['code']) })),
    syndromes: Array.isArray(coding['syndromes']) ? (coding['syndromes'] as unknown[]).map(String) : Array.isArray(raw['syndromes']) ? (raw['syndromes'] as unknown[]).map(String) : [],
    trace: list(field('trace', 'trace'), (t) => ({ rule: String(t['rule'] ?? ''), detail: String(t['detail'] ?? '') })),
    reviewReasons: reasons.length ? reasons : Array.isArray(coding['reviewReasons']) ? (coding['reviewReasons'] as unknown[]).map(String) : Array.isArray(review?.reasons) ? review.reasons.map(String) : [],
  };
}
