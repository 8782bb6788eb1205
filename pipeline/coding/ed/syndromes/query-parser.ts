/**
 * ESSENCE free-text query → AST. Operators are read left to right with no precedence among
 * them: `A,or,B,andnot,C` is `(A or B) andnot C` (CDC NSSP "Free-text Coding in NSSP-ESSENCE",
 * part 6: an ANDNOT placed last negates whatever came before it). Groups `(,` … `,)` bind first.
 * A comma between two terms with no operator is ESSENCE's implicit `,or,`; a bare word where an
 * operator belongs (`,xor,`) is reported as an unknown operator, since it is almost always a typo.
 */
import { type QueryNode, SyntaxQueryError } from './query-ast.ts';
import { quoteToken, type Token, tokenize } from './query-tokens.ts';
import { parseTerm } from './term-pattern.ts';

const EXPECTED_OPERATOR = 'expected ",and," ",or," or ",andnot,"';

export function parseQuery(query: string): QueryNode {
  const tokens = tokenize(query);
  let at = 0;
  const peek = () => tokens[at]!;
  const fail = (token: Token, detail: string): never => {
    throw new SyntaxQueryError(query, token.position, detail);
  };

  const operand = (context: string): QueryNode => {
    const token = peek();
    switch (token.kind) {
      case 'open': {
        at++;
        return expression(token);
      }
      case 'isnull':
      case 'isblank':
        at++;
        return { kind: token.kind, position: token.position };
      case 'term':
        at++;
        return { kind: 'term', text: token.text, position: token.position, pattern: parseTerm(query, token.text, token.position) };
      case 'empty':
      case 'end':
        return fail(token, `expected a term ${context}`);
      default:
        return fail(token, `expected a term ${context}, found ${quoteToken(token)}`);
    }
  };

  const expression = (open: Token | null): QueryNode => {
    let left = operand(open ? 'after "(,"' : 'at the start of the query');
    for (;;) {
      const token = peek();
      if (token.kind === 'end') {
        if (open) fail(token, `expected ",)" to close the group "(," opened at character ${open.position}`);
        return left;
      }
      if (token.kind === 'close') {
        if (!open) fail(token, 'unexpected ",)": no group "(," is open');
        at++;
        return left;
      }
      if (token.kind === 'and' || token.kind === 'or' || token.kind === 'andnot') {
        at++;
        left = combine(token.kind, left, operand(`after ${quoteToken(token)}`));
      } else if (token.kind === 'open' || token.kind === 'isnull' || token.kind === 'isblank' || looksLikeTerm(token.text)) {
        left = combine('or', left, operand(''));
      } else if (token.kind === 'empty' && token.position > query.length) {
        // A trailing comma: what is missing is the closing mark, or a term.
        fail(token, open ? `expected ",)" to close the group "(," opened at character ${open.position}` : 'expected a term after the last ","');
      } else if (token.kind === 'empty') {
        fail(token, `${EXPECTED_OPERATOR}, found ${quoteToken(token)}`);
      } else {
        fail(token, `unknown operator ",${token.text},"; ${EXPECTED_OPERATOR}`);
      }
    }
  };

  const tree = expression(null);
  // expression(null) only returns at the end of the tokens.
  return tree;
}

/** A term written with ESSENCE pattern characters, as opposed to a bare word. */
function looksLikeTerm(text: string): boolean {
  return /[\^_[!]/.test(text);
}

/** Builds the node for `left op right`, flattening runs of the same associative operator. */
function combine(op: 'and' | 'or' | 'andnot', left: QueryNode, right: QueryNode): QueryNode {
  if (op === 'andnot') return { kind: 'andnot', left, right };
  const children = left.kind === op ? [...left.children] : [left];
  if (right.kind === op) children.push(...right.children);
  else children.push(right);
  return { kind: op, children };
}
