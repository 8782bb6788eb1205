/**
 * Golden certificates (test/golden/deaths/cases/*.csv): hand-reasoned expectations checked case by
 * case, and the coder's whole output per file kept in output/*.ndjson so that any changed coding
 * decision, trace included, shows as a diff a reviewer reads. A missing output file fails under CI
 * (CI=true); UPDATE_GOLDENS=1 rewrites them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeathCoder } from '../pipeline/coding/deaths/index.ts';
import { toContractJson, type CodedCertificate } from '../pipeline/coding/deaths/types.ts';
import { CsvParser } from '../pipeline/formats/csv.ts';
import type { CertificateRow } from '../pipeline/records/certificate.ts';
import { validateCertificateRow } from '../pipeline/records/certificate-schema.ts';

const ROOT = new URL('./golden/deaths/', import.meta.url).pathname;
const CASES = path.join(ROOT, 'cases');
const OUTPUT = path.join(ROOT, 'output');
const coder = createDeathCoder();

interface GoldenCase {
  line: number;
  row: Record<string, string>;
}

function readCases(file: string): GoldenCase[] {
  const parser = new CsvParser();
  const records = [...parser.push(fs.readFileSync(path.join(CASES, file), 'utf8')), ...parser.end()];
  const [header, ...rows] = records;
  return rows.map((record) => ({
    line: record.line,
    row: Object.fromEntries(header!.fields.map((name, i) => [name, record.fields[i] ?? ''])),
  }));
}

const list = (value: string | undefined) => (value ?? '').split(';').map((code) => code.trim()).filter(Boolean);

function code(row: Record<string, string>): CodedCertificate {
  const validated = validateCertificateRow(row as CertificateRow);
  if (!validated.ok) throw new Error(`invalid golden certificate ${row.certificate_id}: ${JSON.stringify(validated.errors)}`);
  return coder.code(validated.certificate);
}

const files = fs.existsSync(CASES) ? fs.readdirSync(CASES).filter((f) => f.endsWith('.csv')).sort() : [];

describe('golden death certificates', () => {
  it('has golden cases', () => expect(files.length).toBeGreaterThan(0));

  for (const file of files) {
    const cases = readCases(file);
    describe(file, () => {
      it.each(cases.map((c) => [c.row.certificate_id!, c] as const))('%s', (_id, { row }) => {
        const coded = code(row);
        const why = `${row.why} — coded ${JSON.stringify(toContractJson(coded))}`;
        if (row.expected_underlying_cause) expect(coded.underlyingCause, why).toBe(row.expected_underlying_cause);
        const present = new Set([...coded.recordAxis, ...coded.drugs.map((d) => d.code)]);
        for (const expected of list(row.expected_codes)) expect(present.has(expected), `${expected} expected: ${why}`).toBe(true);
        const axes = new Set([...coded.recordAxis, ...coded.entityAxis.map((e) => e.code)]);
        for (const absent of list(row.expected_absent_codes)) expect(axes.has(absent), `${absent} must be absent: ${why}`).toBe(false);
        if (row.expected_review === 'yes' || row.expected_review === 'no') expect(coded.review.required, `review: ${why}`).toBe(row.expected_review === 'yes');
      });

      it('matches its saved output (trace included)', () => {
        const actual = cases.map((c) => JSON.stringify(toContractJson(code(c.row)))).join('\n') + '\n';
        const saved = path.join(OUTPUT, file.replace(/\.csv$/, '.ndjson'));
        if (process.env.UPDATE_GOLDENS === '1' || (!fs.existsSync(saved) && process.env.CI !== 'true')) {
          fs.mkdirSync(OUTPUT, { recursive: true });
          fs.writeFileSync(saved, actual);
        }
        expect(fs.existsSync(saved), `${saved} is missing: run UPDATE_GOLDENS=1 npx vitest run test/golden-deaths.test.ts and review the diff`).toBe(true);
        expect(actual).toBe(fs.readFileSync(saved, 'utf8'));
      });
    });
  }
});
