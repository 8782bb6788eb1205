/**
 * ED feed reading: N generated visits (default 1,000,000) written to a temporary ED CSV and the
 * same rows as NDJSON (and, with --format hl7, as HL7 ADT: an A04 and an A03 per visit), then read
 * and validated through readEdFeed, each run in a fresh process so its peak RSS is the reader's
 * own. Prints rows/s per run, the median and the peak RSS.
 *
 *   npx tsx bench/ed-read.ts [--rows 1000000] [--runs 3] [--format ed-csv,ed-ndjson,hl7]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_OPTIONS, generateEdVisits } from '../fixtures/generator/index.ts';
import { csvLine } from '../pipeline/formats/csv.ts';
import { ED_FORMATS, type EdFormat, readEdFeed } from '../pipeline/formats/ed-feed.ts';
import { ED_VISIT_COLUMNS, type EdVisitRow } from '../pipeline/records/ed-visit.ts';
import { machineDescription, median } from './machine.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, format: { type: 'string', default: 'ed-csv,ed-ndjson' }, child: { type: 'string' } },
});

if (values.child) {
  // One measured run, `--child FORMAT:FILE`: prints one JSON line.
  const [format, file] = [values.child.slice(0, values.child.indexOf(':')) as EdFormat, values.child.slice(values.child.indexOf(':') + 1)];
  const started = performance.now();
  let rows = 0;
  let rejected = 0;
  for await (const results of readEdFeed(fs.createReadStream(file), format)) {
    rows += results.length;
    for (const result of results) if (!result.ok) rejected++;
  }
  console.log(JSON.stringify({ rows, rejected, seconds: (performance.now() - started) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

const hl7Text = (text: string) => text.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\').replace(/~/g, '\\R\\').replace(/\r?\n/g, '\\.br\\');

/** An A04 with the visit's complaint, note, age, sex and county, then an A03 with its diagnoses. */
function adtMessages(row: EdVisitRow, n: number): string {
  const time = row.visit_datetime.replace(/[-:T ]/g, '');
  const head = (event: string, structure: string) => `MSH|^~\\&|EDIS|${row.facility_id}|NSSP|PH|${time}||ADT^${event}^${structure}|${event}${n}|P|2.5.1\rEVN||${time}`;
  const pv1 = `PV1|1|E${'|'.repeat(17)}${row.visit_id}${'|'.repeat(25)}`;
  const a04 = [
    head('A04', 'ADT_A01'),
    `PID|1||${n}|||||${row.sex}|||^^^^^^^^${row.patient_county_fips}`,
    `${pv1}${time}`,
    `OBX|1|NM|21612-7^^LN||${row.age}|a|||||F`,
    `OBX|2|TX|8661-1^^LN||${hl7Text(row.chief_complaint)}||||||F`,
    `OBX|3|TX|54094-8^^LN||${hl7Text(row.triage_note)}||||||F`,
  ];
  const codes = row.discharge_diagnoses === '' ? [] : row.discharge_diagnoses.split(';');
  const a03 = [head('A03', 'ADT_A03'), `PID|1||${n}`, pv1, ...codes.map((code, i) => `DG1|${i + 1}||${code}^^I10C||${time}|F`)];
  return `${a04.join('\r')}\r\n${a03.join('\r')}\r\n`;
}

const rows = Number(values.rows);
const runs = Number(values.runs);
const formats = values.format.split(',') as EdFormat[];
for (const format of formats) if (!ED_FORMATS.includes(format)) throw new Error(`--format: no such format ${format} (${ED_FORMATS.join(', ')})`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-ed-bench-'));
const writers = {
  'ed-csv': { file: path.join(work, 'ed-visits.csv'), line: (row: EdVisitRow) => csvLine(ED_VISIT_COLUMNS.map((column) => row[column])), header: csvLine(ED_VISIT_COLUMNS) },
  'ed-ndjson': { file: path.join(work, 'ed-visits.ndjson'), line: (row: EdVisitRow) => `${JSON.stringify(row)}\n`, header: '' },
  hl7: { file: path.join(work, 'adt.hl7'), line: adtMessages, header: '' },
};
const outputs = formats.map((format) => ({ ...writers[format], fd: fs.openSync(writers[format].file, 'w'), buffer: writers[format].header }));

// 140M visits a year at edScale 1: scale the demo year to give at least `rows`, then stop there.
let written = 0;
for (const row of generateEdVisits({ ...DEMO_OPTIONS, edScale: (rows / 140e6) * 1.1, outbreaks: [] })) {
  for (const out of outputs) {
    out.buffer += out.line(row, written);
    if (out.buffer.length > 1 << 20) {
      fs.writeSync(out.fd, out.buffer);
      out.buffer = '';
    }
  }
  if (++written === rows) break;
}
for (const out of outputs) {
  fs.writeSync(out.fd, out.buffer);
  fs.closeSync(out.fd);
}
if (written < rows) throw new Error(`the generator produced only ${written} visits`);
console.log(`machine: ${machineDescription()}`);

for (const format of formats) {
  const file = writers[format].file;
  console.log(`${format}: ${written.toLocaleString('en-US')} generated visits, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`);
  const unit = format === 'hl7' ? 'visits/s' : 'rows/s';
  const results: { rows: number; rejected: number; seconds: number; maxRssMiB: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', `${format}:${file}`], { encoding: 'utf8' });
    const result = JSON.parse(output.trim().split('\n').pop()!);
    if (result.rows !== written || result.rejected !== 0) throw new Error(`run ${run} read ${result.rows} visits, ${result.rejected} rejected`);
    results.push(result);
    console.log(`  run ${run}: ${result.seconds.toFixed(2)} s, ${Math.round(written / result.seconds).toLocaleString('en-US')} ${unit}, peak RSS ${result.maxRssMiB.toFixed(0)} MiB`);
  }
  const seconds = median(results.map((r) => r.seconds));
  console.log(`  median of ${runs}: ${Math.round(written / seconds).toLocaleString('en-US')} ${unit}, peak RSS ${Math.max(...results.map((r) => r.maxRssMiB)).toFixed(0)} MiB`);
}
fs.rmSync(work, { recursive: true, force: true });
