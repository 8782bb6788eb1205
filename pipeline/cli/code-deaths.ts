import fs from 'node:fs';
import { createDeathCoder } from '../coding/deaths/index.ts';
import { toContractJson } from '../coding/deaths/types.ts';
import { detectDeathFormat } from '../formats/detect-death-format.ts';
import { readFileHead } from '../formats/file-head.ts';
import { writeIjeCodes } from '../formats/ije/write-ije.ts';
import { readDeathRecords } from '../ingest/death-formats.ts';
import { UsageError } from './usage-error.ts';

/**
 * `vigil code deaths FILE [--ije OUT]`: one NDJSON line per certificate (DESIGN.md contract) on
 * stdout, for a CSV template, IJE or VRDR file; records that fail validation are reported on
 * stderr with line and field. With an IJE file, `--ije OUT` also writes the file back with our
 * codes in ACME_UC, EAC and RAC and every other byte as it was. Needs no database. Exit 1 when
 * any record was rejected.
 */
export async function codeDeathsCommand(file: string, options: { ijeOut?: string } = {}): Promise<number> {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const head = readFileHead(file);
  const format = ((f) => (f === 'csv' ? 'certificate-csv' : f))(detectDeathFormat(head, file));
  // Records written back are separated as the file separates them (IJE files come both ways).
  const separator = head[5000] === 13 && head[5001] === 10 ? '\r\n' : head[5000] === 10 ? '\n' : '';
  if (options.ijeOut && format !== 'ije') throw new UsageError(`--ije needs an IJE mortality file; ${file} reads as ${format}`);
  const ijeOut = options.ijeOut ? fs.openSync(options.ijeOut, 'w') : null;
  const coder = createDeathCoder();
  let rejected = 0;
  try {
    for await (const results of readDeathRecords(fs.createReadStream(file), format)) {
      let out = '';
      for (const result of results) {
        if (!result.ok) {
          rejected++;
          for (const error of result.errors) {
            process.stderr.write(`${file}:${result.line}: ${result.recordId ?? '(no id)'}: ${error.field ? `${error.field}: ` : ''}${error.message}\n`);
          }
          continue;
        }
        if (result.voided) {
          process.stderr.write(`${file}:${result.line}: ${result.certificate.certificateId}: a void: nothing to code\n`);
          if (ijeOut !== null && result.ijeText) fs.writeSync(ijeOut, `${result.ijeText}${separator}`, null, 'latin1');
          continue;
        }
        const coded = coder.code(result.certificate);
        out += `${JSON.stringify(toContractJson(coded))}\n`;
        if (ijeOut !== null && result.ijeText) fs.writeSync(ijeOut, `${writeIjeCodes(result.ijeText, coded)}${separator}`, null, 'latin1');
      }
      if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  } finally {
    if (ijeOut !== null) fs.closeSync(ijeOut);
  }
  return rejected > 0 ? 1 : 0;
}
