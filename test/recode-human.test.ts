/**
 * The ED side of the recode rule: a visit a coder corrected keeps the coder's codes through every
 * recode, and is still evaluated against a syndrome definition added later (syndromes read the
 * visit's text, not the codes), as a new version of the human coding.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { recodeStaleEd } from '../pipeline/jobs/recode-ed.ts';
import { DeathCodeTable } from '../pipeline/review/death-codes.ts';
import { recordDecision } from '../pipeline/review/decisions.ts';
import { EdCodeTable } from '../pipeline/review/ed-codes.ts';
import { addDefinitionVersion } from '../pipeline/store/syndrome-definitions.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

let runtime: TestRuntime;
const read = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();

beforeAll(async () => {
  runtime = await openTestRuntime();
  const visits = [
    'H1,F1,2024-03-26T01:00:00,34,M,39049,OD,"found unresponsive, took pills, zombrex",',
    'H2,F1,2024-03-26T02:00:00,40,F,39049,zombrex overdose,narcan given,',
  ];
  const header = 'visit_id,facility_id,visit_datetime,age,sex,patient_county_fips,chief_complaint,triage_note,discharge_diagnoses';
  expect(await runtime.ingest.ingestStream(Readable.from([`${header}\n${visits.join('\n')}\n`]), { fileName: 'h.csv', source: 'cli' })).toMatchObject({ recordsLoaded: 2 });
}, 60_000);
afterAll(() => runtime?.dispose());

describe('recoding ED visits', () => {
  it('keeps a human coding and re-evaluates its syndromes against a new definition', async () => {
    const [h1] = await read(`SELECT CAST(record_id AS VARCHAR) AS id, strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS version FROM coded_ed_visits c JOIN ed_visits USING (record_id) WHERE visit_id = 'H1'`);
    const ed = loadEdTables();
    const context = { db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock, deathCodes: () => new DeathCodeTable(loadLexicon()), edCodes: () => new EdCodeTable(ed) };
    await recordDecision(context, { source: 'ed', recordId: BigInt(String(h1!.id)) }, { decision: 'correct', version: String(h1!.version), comment: 'zombrex is xylazine', ed: { codes: ['T46.5X1A'] } }, { tokenId: 'tok000000001', name: 'Coder', role: 'coder', requestId: null });

    await addDefinitionVersion(runtime.db.connection, { id: 'zombrex', name: 'Zombrex mentions', description: '', query: '^zombrex^' }, 'test');
    await runtime.edCoding.reload(runtime.db.connection);
    const summary = await recodeStaleEd(runtime.db, runtime.edCoding.current(), runtime.commitLock);
    // H2 re-coded by the machine; H1's human coding kept, its syndromes re-evaluated.
    expect(summary).toMatchObject({ recoded: 1, humanSyndromesRefreshed: 1 });
    const rows = await read(`SELECT visit_id, coder, c.is_current, codes, list_contains(syndromes, 'zombrex') AS zombrex, syndrome_set = '${runtime.edCoding.current().syndromeSet}' AS current_set
      FROM coded_ed_visits c JOIN ed_visits USING (record_id) ORDER BY visit_id, coded_at`);
    expect(rows).toEqual([
      { visit_id: 'H1', coder: 'vigil-ed-coder/1', is_current: false, codes: ['T50.901A'], zombrex: false, current_set: false },
      { visit_id: 'H1', coder: 'human:tok000000001', is_current: false, codes: ['T46.5X1A'], zombrex: false, current_set: false },
      { visit_id: 'H1', coder: 'human:tok000000001', is_current: true, codes: ['T46.5X1A'], zombrex: true, current_set: true },
      { visit_id: 'H2', coder: 'vigil-ed-coder/1', is_current: false, codes: expect.any(Array), zombrex: false, current_set: false },
      { visit_id: 'H2', coder: 'vigil-ed-coder/1', is_current: true, codes: expect.any(Array), zombrex: true, current_set: true },
    ]);
    // Nothing left to do.
    expect(await recodeStaleEd(runtime.db, runtime.edCoding.current(), runtime.commitLock)).toMatchObject({ recoded: 0, humanSyndromesRefreshed: 0 });
    // The item stays corrected: the re-evaluation is not a machine decision.
    const [item] = await runtime.queries.rows(runtime.db.connection, 'review_queue_items', { source: 'ed', state: 'all', jurisdiction: '', state_fips: '', record_ids: JSON.stringify([String(h1!.id)]) });
    expect(item).toMatchObject({ state: 'corrected', codes: ['T46.5X1A'] });
  });
});
