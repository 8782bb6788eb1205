// The dashboard's only door to the server: /api/meta (JSON), /api/aggregates (Arrow IPC) and
// the county topology. Every failure becomes an ApiError whose message a person can act on.
import { tableFromIPC } from 'apache-arrow';
import type { Topology } from 'topojson-specification';

export interface Measure {
  key: string;
  label: string;
}

export interface Meta {
  measures: Measure[];
  extent: { from: string; to: string } | null;
  dataAsOf: string | null;
  /** True when any loaded data is the generated demo set. */
  synthetic: boolean;
}

export type Geography = 'county' | 'state' | 'nation';
export type Unit = 'month' | 'total';

export interface AggregateQuery {
  measure: string;
  geography: Geography;
  unit: Unit;
  from: string;
  to: string;
}

export interface AggregateRow {
  geography: string;
  period: string | null;
  deaths: number;
  population: number | null;
  ratePer100k: number | null;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    readonly url: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const TOPOLOGY_URL = '/counties-albers-10m.json';

/** Syndrome id → name, for labelling ED alerts. */
export async function fetchSyndromeNames(signal?: AbortSignal): Promise<Map<string, string>> {
  const body = (await (await request('/api/syndromes', 'application/json', signal)).json()) as { definitions?: { id: string; name: string; active: boolean }[] };
  return new Map((body.definitions ?? []).filter((d) => d.active).map((d) => [d.id, `${d.name} (ED)`]));
}

/** One result of the latest detection run (GET /api/alerts). */
export interface AlertRow {
  source: 'deaths' | 'ed';
  measure: string;
  level: string;
  geography: string;
  period: string;
  periodUnit: 'day' | 'week';
  method: string;
  observed: number;
  expected: number | null;
  pValue: number | null;
  status: 'alert' | 'warning' | 'none' | 'insufficient';
}

/** Alerts and warnings with at least `minObserved` cases (one case after zeros is not worth a look). */
export async function fetchAlerts(minObserved: number, signal?: AbortSignal): Promise<AlertRow[]> {
  const body = (await (await request(`/api/alerts?source=all&status=alert,warning&min_observed=${minObserved}`, 'application/json', signal)).json()) as { alerts?: unknown };
  if (!Array.isArray(body.alerts)) throw new ApiError('The server’s /api/alerts answer has no alerts list.', 200, '/api/alerts');
  return body.alerts.map((a: Record<string, unknown>) => ({
    source: a.source === 'ed' ? 'ed' : 'deaths',
    measure: String(a.measure),
    level: String(a.level),
    geography: String(a.geography),
    period: String(a.period),
    periodUnit: a.period_unit === 'week' ? 'week' : 'day',
    method: String(a.method),
    observed: Number(a.observed),
    expected: nullableNumber(a.expected),
    pValue: nullableNumber(a.p_value),
    status: a.status as AlertRow['status'],
  }));
}

export async function fetchMeta(signal?: AbortSignal): Promise<Meta> {
  const body = await (await request('/api/meta', 'application/json', signal)).json();
  return parseMeta(body);
}

export async function fetchAggregates(query: AggregateQuery, signal?: AbortSignal): Promise<AggregateRow[]> {
  const params = new URLSearchParams({ ...query, format: 'arrow' });
  const response = await request(`/api/aggregates?${params}`, 'application/vnd.apache.arrow.stream', signal);
  const bytes = new Uint8Array(await response.arrayBuffer());
  try {
    return rowsFromArrow(bytes);
  } catch (error) {
    throw new ApiError(`The server sent aggregates the dashboard cannot read (${String(error)}).`, response.status, response.url);
  }
}

export async function fetchTopology(signal?: AbortSignal): Promise<Topology> {
  // No Accept header here: the request must match index.html's preload to reuse it.
  const topology = (await (await request(TOPOLOGY_URL, null, signal)).json()) as Topology;
  if (topology?.type !== 'Topology' || !topology.objects?.['counties']) {
    throw new ApiError('The county map file is not a TopoJSON topology with counties.', 200, TOPOLOGY_URL);
  }
  return topology;
}

/** Arrow IPC stream → plain rows. Accepts int32 or int64 (BigInt) deaths. */
export function rowsFromArrow(bytes: Uint8Array): AggregateRow[] {
  const table = tableFromIPC(bytes);
  const column = (name: string) => {
    const child = table.getChild(name);
    if (!child) throw new Error(`missing column ${name}`);
    return child;
  };
  const geography = column('geography');
  const period = column('period');
  const deaths = column('deaths');
  const population = column('population');
  const rate = column('rate_per_100k');
  const rows: AggregateRow[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    rows[i] = {
      geography: String(geography.get(i)),
      period: (period.get(i) as string | null) ?? null,
      deaths: Number(deaths.get(i) ?? 0),
      population: nullableNumber(population.get(i)),
      ratePer100k: nullableNumber(rate.get(i)),
    };
  }
  return rows;
}

function nullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function parseMeta(body: unknown): Meta {
  const meta = body as Partial<Meta> | null;
  if (!meta || !Array.isArray(meta.measures) || meta.measures.length === 0) {
    throw new ApiError('The server’s /api/meta answer lists no measures.', 200, '/api/meta');
  }
  return { measures: meta.measures, extent: meta.extent ?? null, dataAsOf: meta.dataAsOf ?? null, synthetic: meta.synthetic === true };
}

async function request(url: string, accept: string | null, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers: accept ? { accept } : {}, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('Could not reach the vigil server. Check that it is running and your network connection, then retry.', 0, url);
  }
  if (!response.ok) throw new ApiError(await errorMessage(response), response.status, url);
  return response;
}

async function errorMessage(response: Response): Promise<string> {
  let detail = response.statusText || 'no detail';
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body?.error?.message === 'string') detail = body.error.message;
  } catch {
    // Not the JSON error shape (a proxy's HTML page, say): the status text is all there is.
  }
  const advice =
    response.status >= 500
      ? 'The server failed; retry in a moment, and tell the vigil operators if it keeps happening.'
      : response.status === 429
        ? 'Too many requests; wait a minute and retry.'
        : 'Check the filters (or reset them) and retry.';
  return `The server answered ${response.status}: ${detail}. ${advice}`;
}
