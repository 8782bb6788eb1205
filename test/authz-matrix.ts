/**
 * The authorization policy of every API route, one line per route, checked by authz.test.ts
 * against the real server for every kind of caller. A route the app registers without a line
 * here fails that test (named in the message), and so does a line for a route that is gone.
 *
 * A line: `route` as Express registers it ('METHOD /path/:param'), `allow` the callers who may
 * use it, `hidden` those answered 404 as if the thing did not exist (another jurisdiction's
 * batch), and `request` the concrete request to send when the route needs a param, a query or a
 * body (the callers who are allowed must get 2xx/3xx or a validation 4xx from it).
 * Everyone else is denied: 401 without a token, 403 with a token of another role. A revoked or
 * malformed token is a 401 on every route.
 *
 * Callers: `uploader` uploads for MA (the fixtures' batch is MA's), `uploader_other` for TX.
 */

export const SIGNED_IN = ['admin', 'uploader', 'uploader_other', 'coder', 'epidemiologist'] as const;
export const CALLERS = [...SIGNED_IN, 'public', 'revoked', 'malformed'] as const;
export type Caller = (typeof CALLERS)[number];
export const EVERYONE: readonly Caller[] = [...SIGNED_IN, 'public'];
export const ADMIN: readonly Caller[] = ['admin'];
const UPLOADERS: readonly Caller[] = ['admin', 'uploader', 'uploader_other'];
const MA_UPLOADER: readonly Caller[] = ['admin', 'uploader'];
/** The roles that read record-level data (server/auth/principal.ts readsRecords). */
export const RECORD_READERS: readonly Caller[] = ['admin', 'coder', 'epidemiologist'];

/** What the test sets up before the matrix runs. */
export interface Fixtures {
  /** A batch the MA uploader loaded (jurisdiction MA). */
  batchId: string;
  /** A token that an allowed caller may revoke. */
  spareTokenId: string;
}

export interface MatrixRequest {
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface RoutePolicy {
  route: string;
  allow: readonly Caller[];
  hidden?: readonly Caller[];
  request?: (fixtures: Fixtures) => MatrixRequest;
}

const CSV_HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
export const MA_CERTIFICATES = `${CSV_HEADER}\nMX1,MA,2024-03-01,40,F,25025,25025,A,Fentanyl toxicity,,,,,\nMX2,MA,2024-03-02,51,M,25017,25017,A,Heroin toxicity,,,,,\n`;
const json = (value: unknown): Pick<MatrixRequest, 'body' | 'headers'> => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });

export const MATRIX: readonly RoutePolicy[] = [
  { route: 'GET /api/health', allow: EVERYONE },
  { route: 'GET /api/session', allow: EVERYONE },
  { route: 'GET /api/meta', allow: EVERYONE },
  { route: 'GET /api/aggregates', allow: EVERYONE, request: () => ({ path: '/api/aggregates?measure=all_overdose&geography=state&unit=month' }) },
  { route: 'GET /api/alerts', allow: EVERYONE },
  { route: 'GET /api/syndromes', allow: EVERYONE },
  { route: 'POST /api/syndromes', allow: ADMIN, request: () => ({ path: '/api/syndromes', ...json({ id: 'matrix_probe', name: 'Probe', query: '^x^,or,(,' }) }) },
  { route: 'POST /api/batches', allow: MA_UPLOADER, request: () => ({ path: '/api/batches?name=ma.csv&jurisdiction=MA', body: MA_CERTIFICATES, headers: { 'content-type': 'text/csv' } }) },
  { route: 'GET /api/batches', allow: UPLOADERS },
  { route: 'GET /api/batches/:id', allow: MA_UPLOADER, hidden: ['uploader_other'], request: (f) => ({ path: `/api/batches/${f.batchId}` }) },
  { route: 'GET /api/batches/:id/errors.csv', allow: MA_UPLOADER, hidden: ['uploader_other'], request: (f) => ({ path: `/api/batches/${f.batchId}/errors.csv` }) },
  { route: 'GET /api/jobs', allow: ['admin', 'epidemiologist'] },
  // The inbox job: the cheapest to run (an empty inbox); a run already in progress is a 409, still allowed.
  { route: 'POST /api/jobs/:name/runs', allow: ADMIN, request: () => ({ path: '/api/jobs/inbox/runs' }) },
  // The line list of MA (FIPS 25), the uploader's own jurisdiction: record-level roles only (authz.test.ts: and every jurisdiction's).
  { route: 'GET /api/records', allow: RECORD_READERS, request: () => ({ path: '/api/records?measure=all_overdose&geography=25&from=2024-03&to=2024-03' }) },
  { route: 'GET /api/tokens', allow: ADMIN },
  { route: 'POST /api/tokens', allow: ADMIN, request: () => ({ path: '/api/tokens', ...json({ name: 'matrix coder', role: 'coder' }) }) },
  { route: 'POST /api/tokens/:id/revoke', allow: ADMIN, request: (f) => ({ path: `/api/tokens/${f.spareTokenId}/revoke` }) },
  { route: 'GET /api/audit', allow: ADMIN },
  { route: 'GET /api/review/queue', allow: ['admin', 'coder'] },
  { route: 'GET /api/review/items/:id', allow: ['admin', 'coder'], request: () => ({ path: '/api/review/items/not-an-item' }) },
  { route: 'POST /api/review/items/:id/decision', allow: ['admin', 'coder'], request: () => ({ path: '/api/review/items/not-an-item/decision', ...json({ decision: 'accept', version: 'x' }) }) },
  { route: 'GET /api/review/agreement', allow: ['admin', 'coder', 'epidemiologist'] },
  { route: 'GET /api/review/emerging', allow: ['admin', 'coder'] },
  { route: 'GET /api/lexicon', allow: ['admin', 'coder', 'epidemiologist'] },
  { route: 'GET /api/lexicon/proposals', allow: ['admin', 'coder'] },
  { route: 'GET /api/lexicon/proposals/:id', allow: ['admin', 'coder'], request: () => ({ path: '/api/lexicon/proposals/x' }) },
  { route: 'POST /api/lexicon/proposals', allow: ['admin', 'coder'], request: () => ({ path: '/api/lexicon/proposals', ...json({ term: 'od', code: 'T50.9' }) }) },
  { route: 'POST /api/lexicon/proposals/:id/approve', allow: ADMIN, request: () => ({ path: '/api/lexicon/proposals/x/approve', ...json({}) }) },
  { route: 'POST /api/lexicon/proposals/:id/reject', allow: ADMIN, request: () => ({ path: '/api/lexicon/proposals/x/reject', ...json({}) }) },
  // Routes of other parts, as their code decides at this writing (their owners keep these lines true).
  { route: 'GET /api/openapi.json', allow: EVERYONE },
  { route: 'GET /api/combinations', allow: EVERYONE },
  { route: 'GET /api/clusters', allow: ['admin', 'epidemiologist'] },
  { route: 'GET /api/concordance', allow: ['admin', 'epidemiologist'] },
  { route: 'GET /api/reports', allow: EVERYONE, request: () => ({ path: '/api/reports?place=nation' }) },
  { route: 'GET /api/reports/charts/:chart.png', allow: EVERYONE, request: () => ({ path: '/api/reports/charts/trend.png?place=nation' }) },
];

export type Expected = 'allow' | 401 | 403 | 404;

/** What a caller must get from a route under its policy. */
export function expectedFor(policy: RoutePolicy, caller: Caller): Expected {
  if (caller === 'revoked' || caller === 'malformed') return 401;
  if (policy.allow.includes(caller)) return 'allow';
  if (policy.hidden?.includes(caller)) return 404;
  return caller === 'public' ? 401 : 403;
}

/** Allowed: the request got past authorization (a 4xx about the input itself still counts). */
export function isAllowed(status: number): boolean {
  return (status >= 200 && status < 400) || [400, 409, 413, 415, 422].includes(status);
}
