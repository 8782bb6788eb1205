/**
 * Several queries run over the same texts: each text is lower-cased, its character pairs indexed
 * and the terms those pairs allow run once, then every query is a generated function over the
 * results (query-codegen.ts). Queries are compiled together on first use after an `add`, so
 * shared terms and groups are found across all of them.
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
  let program: Program | null = null;
  const compiled = (): Program => (program ??= generateProgram(queries));
  return {
    add(query) {
      queries.push(typeof query === 'string' ? parseQuery(query) : query);
      program = null;
      return queries.length - 1;
    },
    prepare: (value) => compiled().prepare(value),
    test: (index) => compiled().test(index),
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
