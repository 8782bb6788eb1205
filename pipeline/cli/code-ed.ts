import fs from 'node:fs';
import { createEdCoder } from '../coding/ed/index.ts';
import { createSyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import { detectEdFormat, formatEdErrors, readEdFeed } from '../formats/ed-feed.ts';
import { readFileHead } from '../formats/file-head.ts';
import { codeEdVisit } from '../ingest/ed-staging.ts';
import { UsageError } from './usage-error.ts';

/**
 * `vigil code ed FILE`: one NDJSON line per visit (the DESIGN.md contract: visit_id, codes,
 * drugs, syndromes, negated, review) for an ED CSV, ED NDJSON or HL7 v2 file, evaluated against the
 * built-in syndrome definitions. Rejected records and messages go to stderr with their location.
 * Needs no database. Exit 1 when anything was rejected.
 */
export async function codeEdCommand(file: string): Promise<number> {
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const format = detectEdFormat(readFileHead(file), file);
  const coding = { coder: createEdCoder(), syndromes: createSyndromeEngine(), syndromeSet: '' };
  let rejected = 0;
  for await (const results of readEdFeed(fs.createReadStream(file), format)) {
    let out = '';
    for (const result of results) {
      if (!result.ok) {
        rejected++;
        for (const line of formatEdErrors(result)) process.stderr.write(`${file}: ${result.recordId ?? '(no id)'}: ${line}\n`);
        continue;
      }
      out += `${JSON.stringify(codeEdVisit(result.record, coding).contract)}\n`;
    }
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
  return rejected > 0 ? 1 : 0;
}
