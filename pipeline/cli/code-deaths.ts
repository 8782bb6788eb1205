import fs from 'node:fs';
import { createDeathCoder } from '../coding/deaths/index.ts';
import { toContractJson } from '../coding/deaths/types.ts';
import { readCertificateCsv } from '../formats/certificate-csv.ts';
import { UsageError } from './usage-error.ts';

/**
 * `vigil code deaths FILE`: one NDJSON line per certificate (DESIGN.md contract) on stdout;
 * records that fail validation are reported on stderr with line and field. Needs no database.
 * Exit 1 when any record was rejected.
 */
export async function codeDeathsCommand(file: string): Promise<number> {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const coder = createDeathCoder();
  let rejected = 0;
  for await (const results of readCertificateCsv(fs.createReadStream(file))) {
    let out = '';
    for (const result of results) {
      if (result.ok) {
        out += `${JSON.stringify(toContractJson(coder.code(result.certificate)))}\n`;
      } else {
        rejected++;
        for (const error of result.errors) {
          process.stderr.write(`${file}:${result.line}: ${result.recordId ?? '(no id)'}: ${error.field ? `${error.field}: ` : ''}${error.message}\n`);
        }
      }
    }
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
  return rejected > 0 ? 1 : 0;
}
