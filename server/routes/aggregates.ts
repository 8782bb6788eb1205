/**
 * Aggregates for the dashboard, reports and the API: deaths by measure, or ED visits by syndrome, ×
 * geography × period (× age group or sex), with populations, crude and age-adjusted rates, 95%
 * confidence intervals, reliability flags and, for callers without record-level rights, small-number
 * suppression; as JSON, Arrow IPC, CSV or Parquet. Every parameter is validated; only named queries
 * run (through pipeline/stats/aggregates/aggregate-service.ts). `GET /api/meta` says what there is.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { BackgroundRefresh } from '../../pipeline/jobs/refresh-aggregates.ts';
import { AggregateService, MAX_ROWS, type AggregateAnswer, type AggregateQuery, type AggregateReading } from '../../pipeline/stats/aggregates/aggregate-service.ts';
import { UNITS } from '../../pipeline/stats/aggregates/periods.ts';
import { publicGridProblem } from '../../pipeline/stats/aggregates/public-grid.ts';
import type { AggregateRow } from '../../pipeline/stats/aggregates/rows.ts';
import { ARROW_MEDIA_TYPE, rowsToArrow } from '../arrow.ts';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { AnswerCache, type RenderedAnswer } from '../answer-cache.ts';
import { BackgroundWork } from '../background.ts';
import { attachmentHeaders, CSV_MEDIA_TYPE, PARQUET_MEDIA_TYPE, toCsv, writeParquet, type DownloadRow } from '../downloads.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { Row } from '../../pipeline/store/sql-files.ts';
import type { AppServices } from '../services.ts';
import { boundParameter, dayOf } from './period-bounds.ts';

/** A death measure key or an ED syndrome id, as /api/meta lists them (also the line list's). */
export const MEASURE_PARAMETER = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a measure key (deaths) or syndrome id (ed), as /api/meta lists them')
  .optional()
  .meta({ examples: ['all_overdose'] });

export const AGGREGATE_QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed']).default('deaths').describe('deaths (certificates) or ed (emergency-department visits)'),
  measure: MEASURE_PARAMETER.describe('a death measure (default all_overdose) or an active ED syndrome id (default all_drug); see /api/meta'),
  geography: z.enum(['county', 'state', 'nation']).default('county').describe('by county of residence, state, or the nation'),
  state: z.string().regex(/^\d{2}$/, 'a 2-digit state FIPS code').optional().describe('only this state (2-digit FIPS): its counties, or its own row').meta({ examples: ['39'] }),
  unit: z.enum(UNITS).default('month').describe('day, MMWR week, month, year, 12mo (12 months ending in each month, NCHS VSRR) or total (the range as one period)'),
  by: z.enum(['age_group', 'sex']).optional().describe('a breakdown: NCHS age groups, or sex'),
  from: boundParameter("First (a month: its first day; or a day). Default: the data's first month", '2024-01'),
  to: boundParameter("Last (a month: its last day; or a day). Default: the data's last month", '2024-03'),
  format: z.enum(['json', 'arrow', 'csv', 'parquet']).optional().describe('default json, or Arrow IPC when the Accept header asks for it'),
});
type AggregateParameters = z.infer<typeof AGGREGATE_QUERY>;

const META_QUERY = z.strictObject({});

const DOWNLOAD_HEADERS = { 'X-Vigil-Notes': 'Methods and suppression notes, ASCII, joined with " | "', 'Content-Disposition': 'attachment; filename="vigil-....csv|parquet"' };

export const AGGREGATE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/meta',
    summary: 'What there is to ask: death measures, ED syndromes, the data\'s extent, the cache, and county FIPS codes without a map shape',
    tags: ['aggregates'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: META_QUERY,
    responses: { '200': { description: 'Measures, syndromes, extents, the aggregate cache\'s state, map coverage.' } },
  },
  {
    method: 'get',
    path: '/api/aggregates',
    summary: 'Counts, rates with 95% confidence intervals and age-adjusted rates by geography and period',
    description:
      'One row per place × period (× stratum) with events: count, population, crude rate per 100,000 and its 95% CI (exact Poisson below 100 events), unreliable (fewer than 20), ' +
      'age-adjusted rate (2000 US standard) where age-specific populations exist, and for deaths the shares pending investigation and with a specific drug code. ' +
      'Callers without record-level rights (the public, uploaders) get counts of 1-9 below the national level withheld, with complementary suppression, every value read off one grid of calendar-year blocks ' +
      'so that no two answers can be played against each other; below the nation they get months, years, 12 months ending and totals over whole months (days, weeks and part months are a 403). ' +
      `At most ${MAX_ROWS.toLocaleString('en-US')} rows: a larger request is a 400. CSV rows end with a "note" column (suppressed, unreliable, no population).`,
    tags: ['aggregates'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: AGGREGATE_QUERY,
    responses: {
      '200': {
        description: 'The table (JSON with notes, or the rows alone as Arrow IPC, CSV or Parquet).',
        mediaTypes: ['application/json', ARROW_MEDIA_TYPE, CSV_MEDIA_TYPE, PARQUET_MEDIA_TYPE],
        headers: { 'X-Vigil-Data-As-Of': 'When the figures were counted (ISO 8601)', ...DOWNLOAD_HEADERS },
      },
    },
  },
];

type Format = 'json' | 'arrow' | 'csv' | 'parquet';

/** A question as the answer cache keeps it: what was asked, in which format, by whom (suppressed or not). */
interface CachedQuestion {
  query: AggregateQuery;
  format: Format;
  suppress: boolean;
}

/** Bytes of rendered answers kept (server/answer-cache.ts): the dashboard's questions of a day fit many times over. */
const ANSWER_CACHE_BYTES = 256 * 1024 * 1024;


function formatOf(request: Request, format: Format | undefined): Format {
  if (format) return format;
  const preferred = request.accepts(['application/json', ARROW_MEDIA_TYPE, CSV_MEDIA_TYPE]);
  return preferred === ARROW_MEDIA_TYPE ? 'arrow' : preferred === CSV_MEDIA_TYPE ? 'csv' : 'json';
}

/** How the answer names its range: months when it is whole months, else days (both inclusive). */
function rangeLabels(from: string, to: string): { from: string; to: string } {
  const last = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return from.endsWith('-01') && to.endsWith('-01') ? { from: from.slice(0, 7), to: last.slice(0, 7) } : { from, to: last };
}

function csvNote(row: DownloadRow): string {
  if (row.suppressed === true) return 'suppressed (small numbers)';
  const notes: string[] = [];
  if (row.unreliable === true) notes.push('unreliable: fewer than 20');
  if (row.population === null) notes.push('no population estimate');
  return notes.join('; ');
}

/** @param options.answerCacheBytes the answer cache's budget (0: build every answer, as the benchmark does to measure it). */
/**
 * @param options.background where answers are warmed after a data change (the app's, which closing
 *   the server stops); a fresh one otherwise.
 */
export async function aggregateRoutes(services: AppServices, options: { answerCacheBytes?: number; background?: BackgroundWork } = {}): Promise<Router> {
  const { db, queries, config, logger } = services;
  const deathMeasures = (await queries.rows(db.connection, 'death_measures')).map((row) => String(row.key));
  // With jobs on, a stale cache (new data since the last refresh) is rebuilt in the background.
  const refresh = config.jobs.enabled ? new BackgroundRefresh(db, queries, logger) : null;
  const service = new AggregateService(db, queries, { onStale: () => refresh?.request() });
  const shapes = countyShapes();

  const activeSyndromes = async () =>
    (await queries.rows(db.connection, 'active_syndromes')).map((row) => ({ id: String(row.id), name: String(row.name) }));

  async function resolve(parameters: AggregateParameters, reading: AggregateReading): Promise<AggregateQuery> {
    const { source, geography, unit } = parameters;
    let measure = parameters.measure;
    if (source === 'deaths') {
      measure ??= 'all_overdose';
      if (!deathMeasures.includes(measure)) throw new HttpError(400, `invalid measure: ${JSON.stringify(measure)} (a death measure: ${deathMeasures.join(', ')})`);
    } else {
      const syndromes = (await activeSyndromes()).map((s) => s.id);
      measure ??= syndromes.includes('all_drug') ? 'all_drug' : syndromes[0];
      if (measure === undefined || !syndromes.includes(measure)) throw new HttpError(400, `invalid measure: ${JSON.stringify(parameters.measure ?? '')} (an active ED syndrome: ${syndromes.join(', ')})`);
    }
    if (parameters.state !== undefined && geography === 'nation') throw new HttpError(400, `invalid state: ${JSON.stringify(parameters.state)} (only with geography=county or geography=state)`);
    if (unit === '12mo') {
      for (const name of ['from', 'to'] as const) {
        const value = parameters[name];
        if (value !== undefined && value.length !== 7) throw new HttpError(400, `invalid ${name}: ${JSON.stringify(value)} (unit=12mo takes months, YYYY-MM)`);
      }
    }
    let fromDay = parameters.from === undefined ? undefined : dayOf('from', parameters.from);
    let toDay = parameters.to === undefined ? undefined : dayOf('to', parameters.to);
    if (fromDay === undefined || toDay === undefined) {
      // Default: the months the data spans.
      const extent = await service.dataExtent(source, await reading.status(source));
      const now = new Date().toISOString().slice(0, 7); // no data: an empty current month
      fromDay ??= dayOf('from', extent ? extent.first.slice(0, 7) : now);
      toDay ??= dayOf('to', extent ? extent.last.slice(0, 7) : now);
    }
    if (fromDay >= toDay) throw new HttpError(400, `invalid from: ${JSON.stringify(parameters.from ?? fromDay)} is after to ${JSON.stringify(parameters.to ?? toDay)}`);
    return { source, measure, geography, state: parameters.state ?? null, unit, by: parameters.by ?? null, from: fromDay, to: toDay };
  }

  const router = Router();
  // The certificates' extent scans every current certificate (50-130 ms at a national year), and
  // every page load asks for it: it is kept until the certificates or their codings change (the
  // data version the aggregate cache is checked against).
  let keptExtent: { version: string; row: Row | undefined } | null = null;
  const certificateExtent = async (version: string): Promise<Row | undefined> => {
    if (keptExtent?.version !== version) keptExtent = { version, row: (await queries.rows(db.connection, 'data_extent'))[0] };
    return keptExtent.row;
  };

  // Which county codes of the map have populations: read again only when the populations change
  // (10-70 ms at a national year, and every page load waits for /api/meta).
  let keptCoverage: { version: string; coverage: Promise<MapCoverage> } | null = null;
  const countyCoverage = (version: string): Promise<MapCoverage> => {
    if (keptCoverage?.version !== version) {
      const coverage = queries.rows(db.connection, 'county_population_years').then((rows) => mapCoverage(shapes, rows));
      keptCoverage = { version, coverage };
      coverage.catch(() => keptCoverage?.coverage === coverage && (keptCoverage = null));
    }
    return keptCoverage.coverage;
  };

  router.get('/api/meta', async (request, response) => {
    parseInput(META_QUERY, request.query);
    const reading = service.reading();
    const [deathsCache, edCache] = await Promise.all([reading.status('deaths'), reading.status('ed')]);
    const extent = await certificateExtent(deathsCache.dataVersion);
    const edExtent = await service.dataExtent('ed', edCache);
    const coverage = await countyCoverage(await service.populationsVersion(reading));
    response.json({
      measures: await queries.rows(db.connection, 'death_measures'),
      syndromes: await activeSyndromes(),
      extent: extent?.first_month ? { from: extent.first_month, to: extent.last_month } : null,
      edExtent: edExtent ? { from: edExtent.first.slice(0, 7), to: edExtent.last.slice(0, 7) } : null,
      dataAsOf: extent?.data_as_of ?? null,
      certificates: Number(extent?.certificates ?? 0),
      synthetic: extent?.synthetic === true,
      units: UNITS,
      breakdowns: ['age_group', 'sex'],
      aggregateCache: {
        deaths: { current: deathsCache.current, refreshedAt: deathsCache.refreshedAt },
        ed: { current: edCache.current, refreshedAt: edCache.refreshedAt },
      },
      map: coverage,
    });
  });

  // Answers kept per question and data version (server/answer-cache.ts); the size is the budget.
  const answers = new AnswerCache<CachedQuestion>(options.answerCacheBytes ?? ANSWER_CACHE_BYTES);
  const background = options.background ?? new BackgroundWork(logger);
  // Work of its own (answers warmed after a data change) only in a process that does any (VIGIL_JOBS_ENABLED),
  // as with the background refresh above.
  const warmsOnItsOwn = config.jobs.enabled;

  /** The reply to a question as headers and bytes, in any format. */
  async function render({ query, format, suppress }: CachedQuestion, reading: AggregateReading): Promise<{ answer: RenderedAnswer; fromCache: boolean }> {
    const answer = await service.answer(query, { suppress }, reading);
    const labels = rangeLabels(answer.from, answer.to);
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', 'X-Vigil-Data-As-Of': answer.dataAsOf };
    const fileName = ['vigil', query.source, query.measure, query.geography, query.state, query.unit, query.by, labels.from, labels.to].filter(Boolean).join('-');
    const notes = [...answer.notes, answer.suppression.note, `Figures as of ${answer.dataAsOf}.`];
    let body: Buffer;
    if (format === 'arrow') {
      const bytes = rowsToArrow(answer.rows, Object.fromEntries(answer.columns.map((c) => [c.name, c.type])));
      body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      headers['Content-Type'] = ARROW_MEDIA_TYPE;
    } else if (format === 'csv') {
      Object.assign(headers, attachmentHeaders(`${fileName}.csv`, notes), { 'Content-Type': `${CSV_MEDIA_TYPE}; charset=utf-8; header=present` });
      body = Buffer.from(toCsv(answer.columns, answer.rows, csvNote));
    } else if (format === 'parquet') {
      const { directory, file } = await writeParquet(db, queries, answer.columns, answer.rows);
      try {
        body = await fs.promises.readFile(file);
      } finally {
        await fs.promises.rm(directory, { recursive: true, force: true });
      }
      Object.assign(headers, attachmentHeaders(`${fileName}.parquet`, notes), { 'Content-Type': PARQUET_MEDIA_TYPE });
    } else {
      body = Buffer.from(JSON.stringify(jsonBody(query, labels, answer)));
      headers['Content-Type'] = 'application/json; charset=utf-8';
    }
    return { answer: { headers, body }, fromCache: answer.figuresFrom === 'cache' };
  }

  const keyOf = ({ query, format, suppress }: CachedQuestion) => JSON.stringify([format, suppress, query]);

  // One build per question and version at a time: a request for an answer being built (by another
  // request, or by the warming after a data change) waits for that build.
  const building = new Map<string, Promise<{ answer: RenderedAnswer; fromCache: boolean }>>();
  const build = (question: CachedQuestion, key: string, version: string, reading: AggregateReading) => {
    const id = `${version}\0${key}`;
    let pending = building.get(id);
    if (!pending) {
      pending = render(question, reading).finally(() => building.delete(id));
      building.set(id, pending);
    }
    return pending;
  };

  router.get('/api/aggregates', async (request, response) => {
    const parameters = parseInput(AGGREGATE_QUERY, request.query);
    const format = formatOf(request, parameters.format);
    // The versions are read once for the whole request: the answer is built on the same reading its key has.
    const reading = service.reading();
    const question: CachedQuestion = { query: await resolve(parameters, reading), format, suppress: !seesUnsuppressed(principalOf(response)) };
    const offGrid = question.suppress && question.query.geography !== 'nation' ? publicGridProblem(question.query.unit, question.query.from, question.query.to) : null;
    if (offGrid !== null) throw new HttpError(403, offGrid);
    const key = keyOf(question);
    const { current, version } = await service.answerVersion(question.query.source, reading);
    let answer = current ? answers.get(key, version, question) : undefined;
    // Says whether the answer was kept from before or built for this request (for a benchmark, or a puzzled operator).
    response.set('X-Vigil-Answer', answer ? 'kept' : 'built');
    if (!answer) {
      const rows = await service.denseRows(question.query, reading);
      if (rows > MAX_ROWS) {
        throw new HttpError(
          400,
          `this request could return ${rows.toLocaleString('en-US')} rows, more than the ${MAX_ROWS.toLocaleString('en-US')} an answer may have: narrow from/to, choose a coarser unit, or give state= for one state's counties`,
        );
      }
      const rendered = await build(question, key, version, reading);
      answer = rendered.answer;
      // Only answers counted from a current cache are kept: one counted from the records is as of now.
      if (rendered.fromCache && current) {
        answers.set(key, version, answer);
        warmAfterChange(question.query.source, version);
      }
    }
    await answers.send(request, response, key, answer);
  });

  // The first answer under a new data version starts re-answering the questions asked most before it.
  const warmedVersions = new Map<string, string>();
  function warmAfterChange(source: AggregateQuery['source'], version: string): void {
    if (!warmsOnItsOwn || warmedVersions.get(source) === version) return;
    const first = !warmedVersions.has(source);
    warmedVersions.set(source, version);
    if (first) return; // nothing asked before this process started
    background.run('warm aggregate answers', async () => {
      const built = await answers.warm(version, (q) => q.query.source === source, async (q) => {
        if (background.stopping) return null;
        const reading = service.reading();
        const now = await service.answerVersion(source, reading);
        if (!now.current || now.version !== version) return null; // the data moved on again
        const key = keyOf(q);
        const rendered = await build(q, key, version, reading);
        return rendered.fromCache ? { key, answer: rendered.answer } : null;
      });
      logger.debug({ source, version, built }, 'aggregate answers warmed');
    });
  }
  return router;
}

/** County FIPS codes with a shape on the dashboard's map (us-atlas: Census 2017 boundaries). */
function countyShapes(): Set<string> {
  const file = createRequire(import.meta.url).resolve('us-atlas/counties-10m.json');
  const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as { objects: { counties: { geometries: { id: string | number }[] } } };
  return new Set(topology.objects.counties.geometries.map((g) => String(g.id).padStart(5, '0')));
}

interface MapCoverage {
  countiesWithoutShape: string[];
  shapesWithoutCurrentPopulation: string[];
  note: string;
}

/**
 * Which current county codes the 2017 map cannot draw, and which of its shapes no longer have a
 * population. Counts under both roll up to their state correctly (geography_of takes the first two
 * digits); between them nothing is allocated: there is no town-level population here to weight a
 * crosswalk, and an unweighted one would invent numbers.
 */
function mapCoverage(shapes: ReadonlySet<string>, years: readonly Record<string, unknown>[]): MapCoverage {
  const latest = Math.max(...years.map((r) => Number(r.last_year)));
  const current = new Set(years.filter((r) => Number(r.last_year) === latest).map((r) => String(r.fips)));
  return {
    countiesWithoutShape: [...current].filter((fips) => !shapes.has(fips)).sort(),
    shapesWithoutCurrentPopulation: [...shapes].filter((fips) => !current.has(fips)).sort(),
    note:
      'The map has the Census 2017 counties. Connecticut reports by planning region (09110-09190) from 2022 and Alaska split Valdez-Cordova (02261) into 02063 and 02066 in 2019: ' +
      'those codes count in their state and the nation, but have no shape, and the legacy shapes have no current population. No crosswalk is applied (no town-level populations to weight one).',
  };
}

function jsonBody(query: AggregateQuery, labels: { from: string; to: string }, answer: AggregateAnswer): Record<string, unknown> {
  return {
    source: query.source,
    measure: query.measure,
    geography: query.geography,
    state: query.state,
    unit: query.unit,
    by: query.by,
    from: labels.from,
    to: labels.to,
    data_as_of: answer.dataAsOf,
    figures_from: answer.figuresFrom,
    suppression: answer.suppression,
    notes: answer.notes,
    rows: answer.rows satisfies AggregateRow[],
  };
}
