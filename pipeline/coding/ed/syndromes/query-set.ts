/**
 * Several queries run over the same texts: each text is lower-cased and its character pairs
 * indexed once, then every query is a generated function over it (query-codegen.ts). Queries are
 * compiled together on first use after an `add`, so shared groups are found across all of them.
 */
import type { QueryNode } from './query-ast.ts';
import { generateProgram, type Program } from './query-codegen.ts';
import { parseQuery } from './query-parser.ts';

export interface QuerySet {
  /** Adds a query (text or AST; text is parsed now, so a bad query throws here); returns its index. */
  add(query: string | QueryNode): number;
  /** Sets the text the next `test` calls see; null is an absent field (ISNULL). */
  prepare(text: string | null): void;
  test(index: number): boolean;
}

export function createQuerySet(): QuerySet {
  const queries: QueryNode[] = [];
  const pairs = new Int32Array(1 << 14);
  let program: Program | null = null;
  let generation = 0;
  let text = '';
  let isNull = true;

  const compiled = (): Program => (program ??= generateProgram(queries, pairs));
  return {
    add(query) {
      queries.push(typeof query === 'string' ? parseQuery(query) : query);
      program = null;
      return queries.length - 1;
    },
    prepare(value) {
      const { memo } = compiled();
      if (++generation === 0x7fffffff) {
        generation = 1;
        pairs.fill(0);
      }
      memo.fill(0);
      isNull = value === null;
      text = value === null ? '' : value.toLowerCase();
      // bigramKey (term-matcher.ts), inlined: this loop runs over every character of every visit.
      let previous = text.length > 0 ? (text.charCodeAt(0) & 127) << 7 : 0;
      for (let i = 1; i < text.length; i++) {
        const c = text.charCodeAt(i) & 127;
        pairs[previous | c] = generation;
        previous = c << 7;
      }
    },
    test(index) {
      const root = compiled().roots[index];
      if (!root) throw new RangeError(`no query ${index} in this set`);
      return root(text, generation, isNull);
    },
  };
}

/** One query on its own: `compileQuery('^fent^,andnot,^fentanyl patch^')('OD on fent')`. */
export function compileQuery(query: string | QueryNode): (text: string | null) => boolean {
  const set = createQuerySet();
  const index = set.add(query);
  return (text) => {
    set.prepare(text);
    return set.test(index);
  };
}
