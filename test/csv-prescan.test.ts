/**
 * The byte scan the bulk ED path trusts DuckDB's reader by (pipeline/formats/csv-prescan.ts)
 * counts line breaks as our parser does, wherever the file is cut between reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLineBreaks } from '../pipeline/formats/csv.ts';
import { prescanCsv } from '../pipeline/formats/csv-prescan.ts';

async function scan(text: string, readBytes: number) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-prescan-')), 'f.csv');
  fs.writeFileSync(file, text);
  try {
    return await prescanCsv(file, readBytes);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** The run of breaks ending `text`, counted as countLineBreaks counts. */
const finalBreaks = (text: string) => countLineBreaks(/[\r\n]*$/.exec(text)![0]);

describe('prescanCsv', () => {
  it('counts LF, CRLF and a lone CR once each, and the breaks ending the file, at every cut', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pieces = ['a', ',', '"', ' ', '\n', '\r', '\r\n', 'b c'];
    for (let round = 0; round < 60; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 40) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      for (const readBytes of [1, 2, 3, 7, 1024]) {
        const result = await scan(text, readBytes);
        expect({ lineBreaks: result.lineBreaks, finalBreaks: result.finalBreaks }, `${JSON.stringify(text)} read ${readBytes} at a time`).toEqual({
          lineBreaks: countLineBreaks(text),
          finalBreaks: finalBreaks(text),
        });
      }
    }
  });

  it('finds spaces before an opening quote at the start of a field, across reads', async () => {
    for (const readBytes of [1, 2, 5, 1024]) {
      expect((await scan(' "a",b\n', readBytes)).spaceBeforeQuote).toBe(true);
      expect((await scan('a,  "b"\n', readBytes)).spaceBeforeQuote).toBe(true);
      expect((await scan('a\r\n "b"\n', readBytes)).spaceBeforeQuote).toBe(true);
      expect((await scan('a,"b c" \n', readBytes)).spaceBeforeQuote).toBe(false);
      expect((await scan('a,x "b"\n', readBytes)).spaceBeforeQuote).toBe(false);
      expect((await scan('a,\t"b"\n', readBytes)).spaceBeforeQuote).toBe(false);
    }
  });
});
