/**
 * ED syndromic surveillance: ESSENCE free-text queries and the built-in overdose syndromes.
 * See README.md for the query semantics and where the definitions come from.
 */
export { ccddText, type CcddSource } from './ccdd.ts';
export {
  activateVersion,
  composeQuery,
  type DefinitionIssue,
  QUERY_FIELDS,
  type QueryField,
  type SyndromeDefinition,
  type SyndromeDefinitionInput,
  validateDefinition,
} from './definition.ts';
export { BUILTIN_SYNDROMES } from './definitions.ts';
export { createSyndromeEngine, type SyndromeEngine } from './engine.ts';
export { formatQuery, type QueryNode, SyntaxQueryError, type TermPattern, type TermPiece } from './query-ast.ts';
export { parseQuery } from './query-parser.ts';
export { compileQuery, createQuerySet, type QuerySet } from './query-set.ts';
