/**
 * Compiles parsed queries into one program: the terms of every query are run once per text,
 * then each query is a generated JavaScript function over their results:
 *
 *   ^fent^,andnot,^fentanyl patch^   →   (T[0]===g&&!(T[1]===g))
 *
 * Terms are not tried one by one. Each names the rarest character pair its text must contain
 * (term-matcher.ts); preparing a text stamps the pairs it has and tries only the terms filed
 * under those pairs (a second pair, then the term's own test, confirm). The built-in
 * definitions hold ~2,600 terms; a visit's ~60 characters have ~50 pairs, under which a few
 * dozen terms are filed, so most terms cost nothing. Terms without a pair (one character,
 * wildcards only) are tried on every text.
 *
 * Results are stamped with the text's generation `g` (no clearing between texts): `T[term]` for
 * a term, and `G[group]` for a list of terms joined by `,or,` (the drug lists), set when any of
 * them matches, so such a list is one read however long it is. A group met in more than one place
 * (the overdose terms all definitions share) is evaluated once per text through a memo slot.
 * Literals enter generated source only as numbers (term and group indexes), never as text.
 */
import { formatQuery, type QueryNode } from './query-ast.ts';
import { compileTerm } from './term-matcher.ts';

export interface Program {
  /** Sets the text the next `test` calls see; null is an absent field (ISNULL). */
  prepare(text: string | null): void;
  /** Query `index` (its position in the list compiled) on the prepared text. */
  test(index: number): boolean;
  readonly size: number;
}

/** A compiled query: `t` the lower-cased text, `g` its generation, `n` true for an absent field. */
type CompiledRoot = (t: string, g: number, n: boolean) => boolean;

const PAIRS = 1 << 14;
const isGroup = (node: QueryNode) => node.kind === 'and' || node.kind === 'or' || node.kind === 'andnot';
const keyOf = (node: QueryNode) => (node.kind === 'term' ? `t:${node.text.toLowerCase()}` : formatQuery(node).toLowerCase());

/** Index lists kept as one flat array with offsets (compressed sparse rows): list k is items[start[k] .. start[k+1]). */
function flatLists(lists: readonly number[][]): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(lists.length + 1);
  for (let k = 0; k < lists.length; k++) start[k + 1] = start[k]! + lists[k]!.length;
  const items = new Int32Array(start[lists.length]!);
  lists.forEach((list, k) => items.set(list, start[k]!));
  return { start, items };
}

export function generateProgram(queries: readonly QueryNode[]): Program {
  const keys = new Map<QueryNode, string>();
  const key = (node: QueryNode) => {
    let k = keys.get(node);
    if (k === undefined) keys.set(node, (k = keyOf(node)));
    return k;
  };
  const uses = new Map<string, number>();
  const count = (node: QueryNode) => {
    const k = key(node);
    const n = uses.get(k) ?? 0;
    uses.set(k, n + 1);
    if (n > 0) return;
    if (node.kind === 'andnot') [node.left, node.right].forEach(count);
    else if (node.kind === 'and' || node.kind === 'or') node.children.forEach(count);
  };
  queries.forEach(count);

  // Distinct terms, each with its test and the pairs that must be present.
  const termIndex = new Map<string, number>();
  const tests: ((t: string) => boolean)[] = [];
  const primary: number[] = [];
  const secondary: number[] = [];
  const term = (node: QueryNode & { kind: 'term' }): number => {
    let index = termIndex.get(key(node));
    if (index === undefined) {
      const matcher = compileTerm(node.pattern);
      termIndex.set(key(node), (index = tests.push(matcher.test) - 1));
      primary.push(matcher.bigrams[0] ?? -1);
      secondary.push(matcher.bigrams[1] ?? -1);
    }
    return index;
  };
  // Groups: the term children of an `,or,`, flagged together.
  const groupIndex = new Map<string, number>();
  const groupsOfTerm: number[][] = [];
  const orGroup = (node: QueryNode, terms: number[]): number => {
    let index = groupIndex.get(key(node));
    if (index === undefined) {
      groupIndex.set(key(node), (index = groupIndex.size));
      for (const t of terms) (groupsOfTerm[t] ??= []).push(index);
    }
    return index;
  };

  const slots = new Map<string, number>();
  const expression = (node: QueryNode): string => {
    const k = key(node);
    if (isGroup(node) && (uses.get(k) ?? 0) > 1) {
      let slot = slots.get(k);
      if (slot === undefined) slots.set(k, (slot = slots.size));
      return `((m[${slot}]||(m[${slot}]=${inner(node)}?2:1))===2)`;
    }
    return inner(node);
  };
  const inner = (node: QueryNode): string => {
    switch (node.kind) {
      case 'isnull':
        return 'n';
      case 'isblank':
        return '(!n&&t.trim()==="")';
      case 'andnot':
        return `(${expression(node.left)}&&!${expression(node.right)})`;
      case 'and':
        return `(${node.children.map(expression).join('&&')})`;
      case 'or': {
        const terms = [...new Set(node.children.filter((c) => c.kind === 'term').map((c) => term(c)))];
        const rest = node.children.filter((c) => c.kind !== 'term').map(expression);
        const flag = terms.length > 1 ? [`G[${orGroup(node, terms)}]===g`] : terms.map((t) => `T[${t}]===g`);
        return `(${[...flag, ...rest].join('||')})`;
      }
      case 'term':
        return `(T[${term(node)}]===g)`;
    }
  };
  const sources = queries.map(expression);

  const termCount = tests.length;
  const filed: number[][] = Array.from({ length: PAIRS }, () => []);
  for (let t = 0; t < termCount; t++) if (primary[t]! >= 0) filed[primary[t]!]!.push(t);
  const byPair = flatLists(filed);
  const unpaired = Int32Array.from(primary.flatMap((p, t) => (p < 0 ? [t] : [])));
  const second = Int32Array.from(secondary);
  const groups = flatLists(Array.from({ length: termCount }, (_, t) => groupsOfTerm[t] ?? []));

  const pairs = new Int32Array(PAIRS);
  const present = new Int32Array(PAIRS);
  const T = new Int32Array(termCount);
  const G = new Int32Array(groupIndex.size);
  const m = new Uint8Array(slots.size);
  const roots = sources.map((source) => new Function('T', 'G', 'm', `"use strict";return function(t,g,n){return ${source};};`)(T, G, m) as CompiledRoot);

  let generation = 0;
  let text = '';
  let isNull = true;
  const hit = (t: number) => {
    T[t] = generation;
    for (let j = groups.start[t]!, end = groups.start[t + 1]!; j < end; j++) G[groups.items[j]!] = generation;
  };
  return {
    size: roots.length,
    prepare(value) {
      if (++generation === 0x7fffffff) {
        generation = 1;
        pairs.fill(0);
        T.fill(0);
        G.fill(0);
      }
      m.fill(0);
      isNull = value === null;
      text = value === null ? '' : value.toLowerCase();
      const g = generation;
      // bigramKey (term-matcher.ts), inlined: this loop runs over every character of every visit.
      let found = 0;
      let previous = text.length > 0 ? (text.charCodeAt(0) & 127) << 7 : 0;
      for (let i = 1; i < text.length; i++) {
        const c = text.charCodeAt(i) & 127;
        const pair = previous | c;
        if (pairs[pair] !== g) {
          pairs[pair] = g;
          present[found++] = pair;
        }
        previous = c << 7;
      }
      const { start, items } = byPair;
      for (let k = 0; k < found; k++) {
        const pair = present[k]!;
        for (let j = start[pair]!, end = start[pair + 1]!; j < end; j++) {
          const t = items[j]!;
          const other = second[t]!;
          if ((other < 0 || pairs[other] === g) && tests[t]!(text)) hit(t);
        }
      }
      if (!isNull) for (let k = 0; k < unpaired.length; k++) if (tests[unpaired[k]!]!(text)) hit(unpaired[k]!);
    },
    test(index) {
      const root = roots[index];
      if (!root) throw new RangeError(`no query ${index} in this set`);
      return root(text, generation, isNull);
    },
  };
}
