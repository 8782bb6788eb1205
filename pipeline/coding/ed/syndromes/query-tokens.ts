/**
 * Splits an ESSENCE query into its comma-separated entries. A comma inside `[...]` belongs to the
 * class; `[COMMA]` is the ESSENCE spelling of a literal comma.
 */
import { SyntaxQueryError } from './query-ast.ts';

export type TokenKind = 'term' | 'and' | 'or' | 'andnot' | 'open' | 'close' | 'isnull' | 'isblank' | 'empty' | 'end';

export interface Token {
  kind: TokenKind;
  /** The entry as written, surrounding white space removed. */
  text: string;
  /** 1-based character of the entry's first non-blank character (of the comma for an empty entry). */
  position: number;
}

// Null prototype: a term such as `constructor` or `toString` is not a keyword.
const KEYWORDS: Record<string, TokenKind> = Object.assign(Object.create(null), {
  and: 'and',
  or: 'or',
  andnot: 'andnot',
  '(': 'open',
  ')': 'close',
  isnull: 'isnull',
  isblank: 'isblank',
});

const COMMA_WORD = '[comma]';

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = query.slice(start, end);
    const text = raw.trim();
    const lead = raw.length - raw.trimStart().length;
    const kind = text === '' ? 'empty' : (KEYWORDS[text.toLowerCase()] ?? 'term');
    tokens.push({ kind, text, position: (text === '' ? end : start + lead) + 1 });
  };
  while (i < query.length) {
    const c = query[i];
    if (c === ',') {
      push(i);
      start = ++i;
    } else if (c === '[') {
      if (query.slice(i, i + COMMA_WORD.length).toLowerCase() === COMMA_WORD) {
        i += COMMA_WORD.length;
        continue;
      }
      const close = query.indexOf(']', i + 1);
      if (close < 0) throw new SyntaxQueryError(query, i + 1, 'expected "]" to close the bracket class "["');
      i = close + 1;
    } else i++;
  }
  push(query.length);
  tokens.push({ kind: 'end', text: '', position: query.length + 1 });
  return tokens;
}

/** How an entry is quoted in messages: operators and group marks with the commas around them. */
export function quoteToken(token: Token): string {
  switch (token.kind) {
    case 'and':
    case 'or':
    case 'andnot':
      return `",${token.text},"`;
    case 'open':
      return '"(,"';
    case 'close':
      return '",)"';
    case 'empty':
      return 'an empty entry ",,"';
    case 'end':
      return 'the end of the query';
    default:
      return `"${token.text}"`;
  }
}
