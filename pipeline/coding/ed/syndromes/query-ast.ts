/**
 * The parsed form of an ESSENCE free-text query (README.md, "Query syntax") and the error a bad
 * query raises.
 */

/** One position of a term: literal text, `^` (any run, maybe empty), `_` (one character), `[...]`. */
export type TermPiece =
  | { kind: 'literal'; text: string }
  | { kind: 'any' }
  | { kind: 'one' }
  | { kind: 'class'; chars: string; ranges: [string, string][] };

/** A term compiled from its text; literals are lower case (matching is case-insensitive). */
export interface TermPattern {
  pieces: TermPiece[];
  /** No leading `^`: the match must start at the start of the field (or, with `!`, of a word). */
  anchoredStart: boolean;
  anchoredEnd: boolean;
  /** `!term!` (NSSP "!TERM!" syntax): the match starts / ends at a word boundary. */
  wordStart: boolean;
  wordEnd: boolean;
}

export type QueryNode =
  | { kind: 'term'; text: string; position: number; pattern: TermPattern }
  | { kind: 'isnull'; position: number }
  | { kind: 'isblank'; position: number }
  | { kind: 'and' | 'or'; children: QueryNode[] }
  | { kind: 'andnot'; left: QueryNode; right: QueryNode };

const SHOWN = 60;

/** A query that does not parse: `query "…": at character 14: expected a term after ",and,"`. */
export class SyntaxQueryError extends Error {
  override readonly name = 'SyntaxQueryError';
  constructor(
    readonly query: string,
    /** 1-based character of the query where the problem is (query length + 1 = at the end). */
    readonly position: number,
    /** What was wrong or expected there. */
    readonly detail: string,
  ) {
    const shown = query.length > SHOWN ? `${query.slice(0, SHOWN - 1)}…` : query;
    super(`query "${shown}": at character ${position}: ${detail}`);
  }
}

/** The query text a node came from, in canonical spelling (lower-case operators, explicit groups). */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'term':
      return node.text;
    case 'isnull':
      return 'ISNULL';
    case 'isblank':
      return 'ISBLANK';
    case 'andnot':
      return `${group(node.left)},andnot,${group(node.right)}`;
    default:
      return node.children.map(group).join(`,${node.kind},`);
  }
}

function group(node: QueryNode): string {
  return node.kind === 'and' || node.kind === 'or' || node.kind === 'andnot' ? `(,${formatQuery(node)},)` : formatQuery(node);
}
