/**
 * This checkout's death coding against another checkout's (a git worktree of an older commit), in
 * one process, on the same cause keys, in alternating chunks: so both see the same machine (the
 * runs of one command drift by ±20-45% on the 2-core benchmark machine, bench/README.md).
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/code-deaths-ab.ts --base /tmp/base [--records 1000000] [--rounds 3] [--chunk 3300]
 *
 * What it codes is what a certificate file read in bulk codes (certificate-csv-bulk.ts): each
 * distinct cause key of N generated certificates (manner, Part I a-d, Part II, how the injury
 * occurred) once, sorted by its texts as bulk_certificate_keys.sql sorts them, into the staged
 * JSON (`deathCodingJson`, coded-json.ts). Each round builds a fresh coder per side and alternates
 * which side goes first in each chunk. Prints each side's seconds, this checkout's time as a
 * fraction of the base's per round, and how many keys the two code differently (0 for a change
 * that only makes the coder faster).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_OPTIONS, generateCertificates } from '../fixtures/generator/index.ts';
import * as thisCoder from '../pipeline/coding/deaths/index.ts';
import * as thisJson from '../pipeline/ingest/coded-json.ts';
import { certificateWithIdentityOnly, type Certificate } from '../pipeline/records/certificate.ts';
import { validateCertificateRow } from '../pipeline/records/certificate-schema.ts';
import { machineDescription } from './machine.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    records: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    chunk: { type: 'string', default: '3300' },
  },
});
const base = values.base ? resolve(values.base) : '';
if (!base || !existsSync(join(base, 'pipeline/ingest/coded-json.ts'))) {
  console.error('usage: npx tsx bench/code-deaths-ab.ts --base CHECKOUT [--records N] [--rounds N] [--chunk N]; CHECKOUT is another checkout of vigil (a git worktree)');
  process.exit(2);
}
const rounds = Number(values.rounds);
const chunk = Number(values.chunk);

type Side = typeof thisCoder & typeof thisJson;
const thisSide: Side = { ...thisCoder, ...thisJson };
const baseSide = Object.assign({}, ...(await Promise.all(['pipeline/coding/deaths/index.ts', 'pipeline/ingest/coded-json.ts'].map((file) => import(join(base, file)))))) as Side;

const keys = distinctCauseKeys(Number(values.records));
console.log(`machine: ${machineDescription()}`);
console.log(`${keys.length.toLocaleString('en-US')} distinct cause keys of ${Number(values.records).toLocaleString('en-US')} generated certificates, this checkout against ${base}, chunks of ${chunk.toLocaleString('en-US')}`);

let differing = 0;
for (let round = 1; round <= rounds; round++) {
  const coders = [thisSide.createDeathCoder(), baseSide.createDeathCoder()];
  const sides = [thisSide, baseSide];
  const seconds = [0, 0];
  for (let start = 0, turn = round; start < keys.length; start += chunk, turn++) {
    const slice = keys.slice(start, start + chunk);
    const out: string[][] = [[], []];
    for (const s of turn % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = performance.now();
      for (const key of slice) out[s]!.push(sides[s]!.deathCodingJson(key, coders[s]!).json);
      seconds[s]! += (performance.now() - started) / 1000;
    }
    if (round === 1) for (let i = 0; i < slice.length; i++) if (out[0]![i] !== out[1]![i]) differing++;
  }
  console.log(`round ${round}: this ${seconds[0]!.toFixed(2)} s, base ${seconds[1]!.toFixed(2)} s, this / base ${(seconds[0]! / seconds[1]!).toFixed(3)}`);
}
console.log(`keys coded differently: ${differing.toLocaleString('en-US')}`);

/** The distinct cause keys of N generated certificates, as certificates with nothing else, in the bulk path's order. */
function distinctCauseKeys(records: number): Certificate[] {
  const byKey = new Map<string, Certificate>();
  const empty = certificateWithIdentityOnly('', '');
  let seen = 0;
  for (const row of generateCertificates({ ...DEMO_OPTIONS, deathScale: (records / 3.1e6) * 1.1, outbreaks: [] })) {
    if (seen++ >= records) break;
    const validated = validateCertificateRow(row);
    if (!validated.ok) continue;
    const c = validated.certificate;
    const texts = [...c.part1, c.part2, c.howInjury, c.manner];
    const key = texts.map((t) => t ?? '').join('\u001f');
    if (!byKey.has(key)) byKey.set(key, { ...empty, manner: c.manner, part1: c.part1, part2: c.part2, howInjury: c.howInjury });
  }
  // bulk_certificate_keys.sql: ORDER BY Part I a-d, Part II, how the injury occurred, manner (nulls last).
  const order = (c: Certificate) => [...c.part1, c.part2, c.howInjury, c.manner];
  const compare = (a: (string | null)[], b: (string | null)[]) => {
    for (let i = 0; i < a.length; i++) {
      const x = a[i] ?? null;
      const y = b[i] ?? null;
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -1 : 1;
    }
    return 0;
  };
  return [...byKey.values()].sort((a, b) => compare(order(a), order(b)));
}
