/**
 * Compiles parsed queries into JavaScript functions (one per query), so evaluating a visit is a
 * few inlined string tests rather than a walk over hundreds of closures:
 *
 *   ^fent^,andnot,^fentanyl patch^   →   (p[a]===g&&p[b]===g&&t.includes("fent"))&&!(…)
 *
 * Each term is guarded by two character pairs its text must contain (`p[key] === g`: the pair
 * table is stamped with the generation of the current text), which rejects most terms at once.
 * A group met in more than one place (the overdose terms all definitions share) is evaluated
 * once per text through a memo slot. Literals enter the source only through JSON.stringify.
 */
import { formatQuery, type QueryNode } from './query-ast.ts';
import { compileTerm, type TermMatcher } from './term-matcher.ts';

/** A compiled query: `t` the lower-cased text, `g` its generation, `n` true for an absent field. */
export type CompiledRoot = (t: string, g: number, n: boolean) => boolean;

export interface Program {
  roots: CompiledRoot[];
  /** Memo slots: 0 not yet evaluated for this text, 1 false, 2 true. */
  memo: Uint8Array;
}

const isGroup = (node: QueryNode) => node.kind === 'and' || node.kind === 'or' || node.kind === 'andnot';
const keyOf = (node: QueryNode) => (node.kind === 'term' ? `t:${node.text.toLowerCase()}` : formatQuery(node).toLowerCase());

export function generateProgram(queries: readonly QueryNode[], pairs: Int32Array): Program {
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

  const slots = new Map<string, number>();
  const matchers: TermMatcher['test'][] = [];
  const matcherIndex = new Map<string, number>();
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
      case 'or':
        return `(${node.children.map(expression).join(node.kind === 'and' ? '&&' : '||')})`;
      case 'term': {
        const m = compileTerm(node.pattern);
        const guards = m.bigrams.length === 0 ? ['!n'] : m.bigrams.map((b) => `p[${b}]===g`);
        let test: string;
        if (m.literal?.method === 'equals') test = `t===${JSON.stringify(m.literal.text)}`;
        else if (m.literal) test = `t.${m.literal.method}(${JSON.stringify(m.literal.text)})`;
        else {
          let index = matcherIndex.get(key(node));
          if (index === undefined) matcherIndex.set(key(node), (index = matchers.push(m.test) - 1));
          test = `M[${index}](t)`;
        }
        return `(${[...guards, test].join('&&')})`;
      }
    }
  };

  const sources = queries.map(expression);
  const memo = new Uint8Array(slots.size);
  const roots = sources.map(
    (source) => new Function('p', 'm', 'M', `"use strict";return function(t,g,n){return ${source};};`)(pairs, memo, matchers) as CompiledRoot,
  );
  return { roots, memo };
}
