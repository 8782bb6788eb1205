/**
 * A coder's correction committed while the recode job is coding the same certificate (between the
 * job's read and its commit) is never retired by the job's commit: the human coding stays the one
 * current coding. The recode's commit script is run on a chunk staged before the correction.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { DeathCodeTable } from '../pipeline/review/death-codes.ts';
import { recordDecision } from '../pipeline/review/decisions.ts';
import { EdCodeTable } from '../pipeline/review/ed-codes.ts';
import { readSqlFiles, runScript } from '../pipeline/store/sql-files.ts';
import { inTransaction } from '../pipeline/store/transaction.ts';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
// Both flagged for review ("cardiac arrest" alone is an unsuitable underlying cause).
const CSV = `${HEADER}\nR1,OH,2024-03-04,61,M,39049,39049,N,Cardiac arrest,,,,,\nR2,OH,2024-03-05,70,F,39049,39049,N,Cardiac arrest,,,,,\n`;
const loader = readSqlFiles('loader');
let runtime: TestRuntime;
const read = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();

beforeAll(async () => {
  runtime = await openTestRuntime();
  expect(await runtime.ingest.ingestStream(Readable.from([CSV]), { fileName: 'r.csv', source: 'cli' })).toMatchObject({ status: 'loaded', recordsLoaded: 2 });
}, 60_000);
afterAll(() => runtime?.dispose());

describe('the recode commit', () => {
  it('leaves a human coding committed after the chunk was read, and recodes the others', async () => {
    const [first, second] = await read(`SELECT CAST(record_id AS VARCHAR) AS id, strftime(timezone('UTC', coded_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS version FROM coded_deaths WHERE is_current AND review_required ORDER BY record_id`);
    // The job read both and coded them (staged) ...
    const connection = runtime.db.connection;
    await runScript(connection, loader.get('create_recode_staging')!);
    const coded = JSON.stringify({ underlying_cause: 'R99', record_axis: ['R99'], entity_axis: [], drugs: [], intent: null, review: { required: false, reasons: [] }, trace: [] });
    await connection.run(`INSERT INTO staging_recode VALUES (${first!.id}, $coded, false), (${second!.id}, $coded, false)`, { coded });
    // ... then a coder corrected the first ...
    const ed = loadEdTables();
    const context = { db: runtime.db, queries: runtime.queries, commitLock: runtime.commitLock, deathCodes: () => new DeathCodeTable(loadLexicon()), edCodes: () => new EdCodeTable(ed) };
    await recordDecision(
      context,
      { source: 'deaths', recordId: BigInt(String(first!.id)) },
      { decision: 'correct', version: String(first!.version), comment: 'toxicology: fentanyl', death: { underlyingCause: 'X42', multipleCauses: ['T40.4'] } },
      { tokenId: 'tok000000001', name: 'Coder', role: 'coder', requestId: null },
    );
    // ... and the job commits its chunk.
    await runtime.commitLock.run(() => inTransaction(connection, () => runScript(connection, loader.get('commit_recode')!, { coded_at: new Date().toISOString(), coder: 'recode-test/1', lexicon_version: 'test' })));

    const current = await read(`SELECT CAST(record_id AS VARCHAR) AS id, coder, underlying_cause FROM coded_deaths WHERE is_current AND record_id IN (${first!.id}, ${second!.id}) ORDER BY record_id`);
    expect(current).toEqual([
      { id: first!.id, coder: 'human:tok000000001', underlying_cause: 'X42' },
      { id: second!.id, coder: 'recode-test/1', underlying_cause: 'R99' },
    ]);
  });
});
