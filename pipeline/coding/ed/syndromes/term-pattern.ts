/**
 * One ESSENCE term (`^fent^`, `^[;/ ]T40.1X[14]A^`, `!meth!`) into pieces. ESSENCE terms behave
 * like SQL Server LIKE patterns with `^` for `%` (CDC NSSP, "Free-text Coding in NSSP-ESSENCE",
 * parts 1-2): `^` any run of characters, `_` exactly one, `[...]` one of a set; everything else,
 * `.` included, is literal. A term without a leading (trailing) `^` is anchored at the start (end)
 * of the field, so a bare word must be the whole field. `!` as first or last character is the
 * NSSP "!TERM!" word edge (part 8).
 */
import { SyntaxQueryError, type TermPattern, type TermPiece } from './query-ast.ts';

const COMMA_WORD = '[comma]';

/** @param position 1-based character of the term's first character in `query` */
export function parseTerm(query: string, text: string, position: number): TermPattern {
  const fail = (offset: number, detail: string): never => {
    throw new SyntaxQueryError(query, position + offset, detail);
  };
  let from = 0;
  let to = text.length;
  while (from < to && text[from] === '^') from++;
  while (to > from && text[to - 1] === '^') to--;
  const anchoredStart = from === 0;
  const anchoredEnd = to === text.length && from < to;
  const wordStart = text[from] === '!';
  const wordEnd = to - 1 > from && text[to - 1] === '!';
  if (wordStart) from++;
  if (wordEnd) to--;
  if ((wordStart || wordEnd) && from >= to) fail(from - 1, 'expected a word between "!" and "!"');

  const pieces: TermPiece[] = [];
  const literal = (s: string) => {
    const last = pieces[pieces.length - 1];
    if (last?.kind === 'literal') last.text += s;
    else pieces.push({ kind: 'literal', text: s });
  };
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === '^') {
      if (pieces[pieces.length - 1]?.kind !== 'any') pieces.push({ kind: 'any' });
      i++;
    } else if (c === '_') {
      pieces.push({ kind: 'one' });
      i++;
    } else if (c === ']') {
      fail(i, 'unexpected "]" without an opening "["');
    } else if (c === '[') {
      if (text.slice(i, i + COMMA_WORD.length).toLowerCase() === COMMA_WORD) {
        literal(',');
        i += COMMA_WORD.length;
        continue;
      }
      const close = text.indexOf(']', i + 1);
      if (close < 0 || close >= to) fail(i, 'expected "]" to close the bracket class "["');
      pieces.push(parseClass(text.slice(i + 1, close), (offset, detail) => fail(i + 1 + offset, detail)));
      i = close + 1;
    } else {
      literal(c.toLowerCase());
      i++;
    }
  }
  return { pieces, anchoredStart: anchoredStart && !wordStart, anchoredEnd: anchoredEnd && !wordEnd, wordStart, wordEnd };
}

const single = (lower: string, written: string) => (lower.length === 1 ? lower : written);

function parseClass(body: string, fail: (offset: number, detail: string) => never): TermPiece {
  if (body === '') fail(-1, 'expected at least one character inside "[]"');
  // SQL Server reads [^...] as "none of"; in ESSENCE ^ is the wildcard, so the meaning is unclear.
  if (body[0] === '^') fail(0, 'expected the characters to match inside "[...]": a leading "^" (negation) is not supported');
  let chars = '';
  const ranges: [string, string][] = [];
  for (let j = 0; j < body.length; j++) {
    const c = body[j]!.toLowerCase();
    const next = body[j + 2];
    if (body[j + 1] === '-' && next !== undefined) {
      // A range's ends must stay one character each: 'İ'.toLowerCase() is two, and would make
      // the RegExp class invalid; such an end is kept as written.
      const lo = single(c, body[j]!);
      const hi = single(next.toLowerCase(), next);
      if (hi < lo) fail(j, `expected a range from low to high inside "[...]", found "${body.slice(j, j + 3)}"`);
      ranges.push([lo, hi]);
      j += 2;
    } else chars += c;
  }
  return { kind: 'class', chars, ranges };
}
