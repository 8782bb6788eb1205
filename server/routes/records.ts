/**
 * `GET /api/records`: the line list behind an aggregate cell: the records a measure counts in a
 * place and period, a page at a time, each with what was written (the certificate's cause lines,
 * or the visit's complaint, triage note and diagnoses), its codes, entity axis, drugs, syndromes,
 * rule trace and review reasons, from its current coding (a coder's correction, where there is
 * one: see sql/queries/line_list_deaths.sql). The same records the aggregates count, by the same
 * rule, so a page's `total` is the cell's count.
 *
 * Who: the roles that read record-level data (coders, epidemiologists, admins), as the review
 * routes. Those tokens are not scoped to jurisdictions (only uploaders' are, and uploaders read no
 * records), so every jurisdiction's records are theirs to read. Every answer with records is in
 * the audit log (read.line_list, with the record ids) before it is sent.
 *
 * Records come in the database's column names, with the coding flat as `vigil code deaths` and
 * `vigil code ed` print it (underlying_cause, record_axis / codes, entity_axis, drugs, syndromes,
 * review.reasons, trace): what the dashboard's parseRecord (dashboard/src/api/records.ts) reads
 * into its CodedRecord.
 */
import { Router } from 'express';
import { z } from 'zod';
import { auditRecordReadFor } from '../auth/audit-request.ts';
import { requireRole } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { MEASURE_PARAMETER } from './aggregates.ts';
import { boundParameter, dayRange } from './period-bounds.ts';

export const MAX_RECORDS = 1000;

export const RECORD_QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed']).default('deaths').describe('deaths (certificates) or ed (emergency-department visits)'),
  measure: MEASURE_PARAMETER.describe('a death measure (default all_overdose) or an active ED syndrome id (default all_drug), as in /api/aggregates'),
  geography: z
    .string({ error: 'required: the place, US (the nation), a 2-digit state or a 5-digit county FIPS code' })
    .regex(/^(US|\d{2}|\d{5})$/, 'US (the nation), a 2-digit state or a 5-digit county FIPS code')
    .describe('the cell\'s place by its FIPS code, which names its level too: US (the nation), a 2-digit state, a 5-digit county (of residence, as the aggregates count)')
    .meta({ examples: ['39'] }),
  from: boundParameter('First day (a month: its first day; or a day). Default: the first record', '2024-01'),
  to: boundParameter('Last day (a month: its last day; or a day). Default: the last record', '2024-03'),
  limit: z.coerce.number().int().min(1).max(MAX_RECORDS).default(100).describe(`records in this page (at most ${MAX_RECORDS})`),
  offset: z.coerce.number().int().min(0).max(100_000_000).default(0).describe('records to skip: the previous page\'s next.offset'),
});
type RecordParameters = z.infer<typeof RECORD_QUERY>;

/** For the OpenAPI document (server/openapi.ts). */
export const RECORD_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/records',
    summary: 'The line list behind an aggregate cell: its records with text, codes, entity axis, drugs, syndromes, trace and review reasons',
    description:
      'The records /api/aggregates counts for the measure, place and period (current record versions with their current coding: a coder\'s correction wins over the automated coding), ' +
      'oldest first, a page at a time. Every answer with records is in the audit log (read.line_list).',
    tags: ['records'],
    callers: ['admin', 'coder', 'epidemiologist'],
    query: RECORD_QUERY,
    responses: {
      '200': {
        description: '{ source, measure, geography, level, from, to, total, offset, limit, next: { offset } | null, records }',
      },
    },
  },
];

interface Place {
  level: 'nation' | 'state' | 'county';
  /** '' for the nation. */
  fips: string;
}

/** US, 39 or 39061: the level and the code. */
export function placeOf(geography: string): Place {
  if (geography === 'US') return { level: 'nation', fips: '' };
  return { level: geography.length === 2 ? 'state' : 'county', fips: geography };
}

const json = (value: unknown): unknown => (value === null || value === undefined ? [] : JSON.parse(String(value)));

/** A death row of line_list_deaths as the answer carries it. */
function deathRecord(row: Record<string, unknown>): Record<string, unknown> {
  const { review_required, review_reasons, entity_axis, drugs, trace, total: _total, ...rest } = row;
  return {
    ...rest,
    source: 'deaths',
    human_coded: String(row.coder).startsWith('human:'),
    entity_axis: json(entity_axis),
    drugs: json(drugs),
    syndromes: [],
    review: { required: review_required === true, reasons: review_reasons ?? [] },
    trace: json(trace),
  };
}

/** An ED row of line_list_ed; no underlying cause, entity axis or trace (the ED coder keeps none). */
function edRecord(row: Record<string, unknown>): Record<string, unknown> {
  const { review_required, review_reasons, drugs, total: _total, ...rest } = row;
  return {
    ...rest,
    source: 'ed',
    human_coded: String(row.coder).startsWith('human:'),
    underlying_cause: null,
    entity_axis: [],
    drugs: json(drugs),
    review: { required: review_required === true, reasons: review_reasons ?? [] },
    trace: [],
  };
}

/** How the answer names its range: months when it is whole months, else days (both inclusive). */
function rangeLabel(day: string, end: 'from' | 'to', wholeMonths: boolean): string | null {
  if (day === '0001-01-01' || day === '9999-12-31') return null;
  const shown = end === 'from' ? day : new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return wholeMonths ? shown.slice(0, 7) : shown;
}

export function recordRoutes(services: AppServices): Router {
  const { db, queries } = services;

  async function measureOf(parameters: RecordParameters): Promise<string> {
    if (parameters.source === 'deaths') {
      const measures = (await queries.rows(db.connection, 'death_measures')).map((row) => String(row.key));
      const measure = parameters.measure ?? 'all_overdose';
      if (!measures.includes(measure)) throw new HttpError(400, `invalid measure: ${JSON.stringify(measure)} (a death measure: ${measures.join(', ')})`);
      return measure;
    }
    const syndromes = (await queries.rows(db.connection, 'active_syndromes')).map((row) => String(row.id));
    const measure = parameters.measure ?? 'all_drug';
    if (!syndromes.includes(measure)) throw new HttpError(400, `invalid measure: ${JSON.stringify(measure)} (an active ED syndrome: ${syndromes.join(', ')})`);
    return measure;
  }

  const router = Router();
  router.get('/api/records', requireRole('admin', 'coder', 'epidemiologist'), async (request, response) => {
    const parameters = parseInput(RECORD_QUERY, request.query);
    const place = placeOf(parameters.geography);
    const measure = await measureOf(parameters);
    const range = dayRange(parameters, { from: '0001-01-01', to: '9999-12-31' });
    const { source, limit, offset } = parameters;
    const rows = await queries.rows(db.connection, source === 'deaths' ? 'line_list_deaths' : 'line_list_ed', {
      ...(source === 'deaths' ? { measure } : { syndrome: measure }),
      level: place.level,
      place: place.fips,
      from: range.from,
      to: range.to,
      limit,
      offset,
    });
    const total = Number(rows[0]?.total ?? 0);
    const records = rows.filter((row) => row.record_id !== null).map(source === 'deaths' ? deathRecord : edRecord);
    const wholeMonths = (parameters.from?.length ?? 7) === 7 && (parameters.to?.length ?? 7) === 7;
    const answer = {
      source,
      measure,
      geography: parameters.geography,
      level: place.level,
      from: rangeLabel(range.from, 'from', wholeMonths),
      to: rangeLabel(range.to, 'to', wholeMonths),
      total,
      offset,
      limit,
      next: offset + records.length < total ? { offset: offset + records.length } : null,
      records,
    };
    // Record text leaves the server only once its read is in the audit log.
    await auditRecordReadFor(services, response, records.map((r) => String(r.record_id)), 'read.line_list', {
      source,
      measure,
      geography: parameters.geography,
      from: range.from,
      to: range.to,
      offset,
      limit,
      total,
    });
    response.json(answer);
  });
  return router;
}
