import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvParser, CsvSyntaxError, csvLine, readCsv, type CsvRecord } from '../pipeline/formats/csv.ts';

function parseAll(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** Parses `text` fed in pieces cut at every possible boundary pair, which must not change the result. */
function parseInPieces(text: string, cuts: number[]): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    parser.push(text.slice(from, cut), out);
    from = cut;
  }
  return parser.end(out);
}

const TRICKY = 'id,text,n\r\n1,"Heroin and fentanly\ntoxicity",2\n2,"say ""no"", twice",3\r\n\n3,,\n4,"a\r\nb"x,5\n5,last';

describe('CsvParser', () => {
  it('parses quoted fields, doubled quotes, embedded line breaks, CRLF and blank lines with the starting line of each record', () => {
    expect(parseAll(TRICKY)).toEqual([
      { line: 1, fields: ['id', 'text', 'n'] },
      { line: 2, fields: ['1', 'Heroin and fentanly\ntoxicity', '2'] },
      { line: 4, fields: ['2', 'say "no", twice', '3'] },
      { line: 6, fields: ['3', '', ''] },
      { line: 7, fields: ['4', 'a\r\nbx', '5'] },
      { line: 9, fields: ['5', 'last'] },
    ]);
  });

  it('gives the same records however the input is cut into chunks', () => {
    const whole = parseAll(TRICKY);
    for (let i = 0; i <= TRICKY.length; i++) {
      for (let j = i; j <= TRICKY.length; j += 3) expect(parseInPieces(TRICKY, [i, j])).toEqual(whole);
    }
  });

  it('strips a byte-order mark', () => {
    expect(parseAll('\uFEFFa,b\n1,2\n')[0]).toEqual({ line: 1, fields: ['a', 'b'] });
  });

  it('names the line where an unclosed quote starts', () => {
    expect(() => parseAll('a,b\n1,2\n3,"never closed\n4,5\n')).toThrowError(new CsvSyntaxError(3, 'a quoted field is never closed'));
  });

  it('reads a stream', async () => {
    const batches: CsvRecord[][] = [];
    for await (const batch of readCsv(Readable.from([Buffer.from('a,b\n1,'), Buffer.from('"x\ny"\n')]))) batches.push(batch);
    expect(batches.flat()).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\ny'] },
    ]);
  });

  it('writes fields that round-trip', () => {
    const values = ['plain', 'with, comma', 'with "quote"', 'two\nlines', ' padded ', ''];
    expect(parseAll(csvLine(values))[0]!.fields).toEqual(values);
  });
});
