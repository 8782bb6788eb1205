/**
 * IJE and VRDR files through the real ingest path: identity (year, jurisdiction, certificate
 * number) as the NCHS record id, replacements and updates as new versions, voids retiring the
 * certificate, a resent message changing nothing, and aggregates reading current versions only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const CONFORMANCE = new URL('../fixtures/conformance/vrdr-dotnet/', import.meta.url).pathname;
const ije = (name: string) => fs.readFileSync(path.join(CONFORMANCE, 'ije', name), 'latin1');
const vrdr = (name: string) => fs.readFileSync(path.join(CONFORMANCE, 'json', name), 'utf8');

/** Replaces an IJE field (1-based start, as the layout gives it), space-padded. */
function setField(record: string, start: number, length: number, value: string): string {
  return record.slice(0, start - 1) + value.padEnd(length).slice(0, length) + record.slice(start - 1 + length);
}
const COD1A = [2542, 120] as const;
const REPLACE = [2541, 1] as const;
const VOID = [13, 1] as const;
const MANNER = [701, 1] as const;

let runtime: TestRuntime;
beforeEach(async () => {
  runtime = await openTestRuntime();
});
afterEach(() => runtime.dispose());

const rows = async (sql: string) => (await runtime.db.connection.runAndReadAll(sql)).getRowObjectsJson();
const load = (name: string, content: string, encoding: BufferEncoding = 'utf8') => {
  const file = path.join(runtime.dataDir, name);
  fs.writeFileSync(file, content, encoding);
  return runtime.ingest.ingestFile(file, { source: 'cli' });
};

describe('IJE batches', () => {
  it('loads records under their NCHS id; a replacement is a new version; a void retires the certificate', async () => {
    const base = setField(setField(ije('CODandCOUNTYCOther.ije'), ...COD1A, 'Acute fentanyl toxicity'), ...MANNER, 'A');
    const other = ije('UnknownBirthRecordId.ije');
    const first = await load('first.ije', base + '\n' + other + '\n', 'latin1');
    expect(first).toMatchObject({ status: 'loaded', kind: 'deaths', recordsRead: 2, recordsLoaded: 2, recordsRejected: 0 });
    expect(await rows(`SELECT format FROM batches`)).toEqual([{ format: 'ije' }]);
    const ids = await rows(`SELECT certificate_id, jurisdiction FROM certificates ORDER BY certificate_id`);
    expect(ids[0]).toEqual({ certificate_id: '2021MA266148', jurisdiction: 'MA' });
    expect(await rows(`SELECT underlying_cause FROM coded_deaths d JOIN certificates c USING (record_id) WHERE c.certificate_id = '2021MA266148'`)).toEqual([
      { underlying_cause: 'X42' },
    ]);

    const replacement = setField(setField(base, ...REPLACE, '1'), ...COD1A, 'Acute fentanyl and cocaine toxicity');
    expect(await load('replace.ije', replacement, 'latin1')).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    const voided = setField(base, ...VOID, '1');
    expect(await load('void.ije', voided, 'latin1')).toMatchObject({ status: 'loaded', recordsLoaded: 1 });

    expect(await rows(`SELECT version, is_current, voided, part1_a FROM certificates WHERE certificate_id = '2021MA266148' ORDER BY version`)).toEqual([
      { version: 1, is_current: false, voided: false, part1_a: 'Acute fentanyl toxicity' },
      { version: 2, is_current: false, voided: false, part1_a: 'Acute fentanyl and cocaine toxicity' },
      { version: 3, is_current: true, voided: true, part1_a: 'Acute fentanyl toxicity' },
    ]);
    // Aggregates read current, non-void versions: the voided death is gone from the counts.
    const counts = await runtime.queries.rows(runtime.db.connection, 'death_counts', { measure: 'all_overdose', geography: 'nation', unit: 'total', from: '2000-01-01', to: '2030-01-01' });
    expect(counts).toEqual([]);
  });

  it('reports a record of the wrong length with its record number and loads the rest', async () => {
    const good = ije('EthnicityAllUnknown.ije');
    const report = await load('short.ije', `${good}\n${good.slice(0, 4999)}\n${ije('DOBPartsAllUnknown.ije')}\n`, 'latin1');
    expect(report).toMatchObject({ status: 'loaded', recordsRead: 3, recordsLoaded: 2, recordsRejected: 1 });
    expect(report.errors).toEqual([{ line: 2, recordId: '000054', field: null, message: 'record 2: is 4,999 characters long; an IJE mortality record is 5,000' }]);
  });
});

describe('VRDR batches', () => {
  it('a submission loads; the same message resent in another file changes nothing; an update is a new version; a void retires it', async () => {
    const submission = vrdr('DeathRecordSubmissionMessage.json');
    expect(await load('submission.json', submission)).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    expect(await rows(`SELECT certificate_id, jurisdiction, part1_a, part1_b FROM certificates`)).toEqual([
      { certificate_id: '2020NY000182', jurisdiction: 'NY', part1_a: 'Cardiopulmonary arrest', part1_b: 'Eclampsia' },
    ]);
    // The same message (same MessageHeader id), re-serialised: another checksum, same message.
    const resent = await load('resent.json', JSON.stringify(JSON.parse(submission)));
    expect(resent).toMatchObject({ status: 'loaded', recordsRead: 1, recordsLoaded: 0, recordsUnchanged: 1, duplicateOf: null });

    const update = JSON.parse(submission);
    update.entry[0].resource.id = 'UpdateHeader-1';
    update.entry[0].resource.eventUri = 'http://nchs.cdc.gov/vrdr_submission_update';
    const text = JSON.stringify(update).replace('"text":"Eclampsia"', '"text":"Severe preeclampsia"');
    expect(text).toContain('Severe preeclampsia');
    expect(await load('update.json', text)).toMatchObject({ status: 'loaded', recordsLoaded: 1 });

    const voidMessage = JSON.parse(vrdr('DeathRecordVoidMessage.json'));
    // Point the sample void (2018 NY 123456, block of 10) at this certificate, one record.
    for (const entry of voidMessage.entry) {
      for (const parameter of entry.resource?.parameter ?? []) {
        if (parameter.name === 'cert_no') parameter.valueUnsignedInt = 182;
        if (parameter.name === 'death_year') parameter.valueUnsignedInt = 2020;
        if (parameter.name === 'block_count') parameter.valueUnsignedInt = 1;
      }
    }
    expect(await load('void.json', JSON.stringify(voidMessage))).toMatchObject({ status: 'loaded', recordsLoaded: 1 });
    expect(await rows(`SELECT version, is_current, voided, part1_b FROM certificates ORDER BY version`)).toEqual([
      { version: 1, is_current: false, voided: false, part1_b: 'Eclampsia' },
      { version: 2, is_current: false, voided: false, part1_b: 'Severe preeclampsia' },
      { version: 3, is_current: true, voided: true, part1_b: null },
    ]);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM received_messages`)).toEqual([{ n: 3 }]);
  });

  it('a void message voids its whole block of certificates', async () => {
    const report = await load('void-block.json', vrdr('DeathRecordVoidMessage.json'));
    expect(report).toMatchObject({ status: 'loaded', recordsRead: 10, recordsLoaded: 10 });
    const voided = await rows(`SELECT certificate_id FROM certificates WHERE voided AND is_current ORDER BY certificate_id`);
    expect(voided.map((r) => r.certificate_id)).toEqual(Array.from({ length: 10 }, (_, i) => `2018NY${String(123456 + i)}`));
  });

  it('rejects a bad Bundle naming what is wrong, and stores nothing', async () => {
    const report = await load('bad.json', vrdr('BadDeathRecord.json'));
    expect(report.status).toBe('rejected');
    expect(report.error).toMatch(/\S/);
    expect(await rows(`SELECT count(*)::INTEGER AS n FROM certificates`)).toEqual([{ n: 0 }]);
  });

  it('NDJSON of Bundles: a bad line is reported with its number, the others load', async () => {
    const one = JSON.stringify(JSON.parse(vrdr('DeathRecordSubmissionMessage.json')));
    const two = JSON.stringify(JSON.parse(vrdr('DeathRecordValueCodeableConceptText.json')));
    const report = await load('many.ndjson', `${one}\n{"resourceType":"Bundle","type":"message"}\n${two}\n`);
    expect(report).toMatchObject({ status: 'loaded', recordsRead: 3, recordsLoaded: 2, recordsRejected: 1 });
    expect(report.errors.map((e) => e.line)).toEqual([2]);
  });
});
