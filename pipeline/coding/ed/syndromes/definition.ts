/**
 * A syndrome definition: either one CCDD query, or the parts of the CDC overdose pattern, which
 * compose into one query (composeQuery) that can be pasted into ESSENCE as it is.
 */
import { SyntaxQueryError } from './query-ast.ts';
import { parseQuery } from './query-parser.ts';
import { tokenize } from './query-tokens.ts';

export interface SyndromeDefinition {
  /** snake_case; versions of one definition share it. */
  id: string;
  /** 1, 2, …: a changed query is a new version, so past counts stay explainable. */
  version: number;
  name: string;
  description: string;
  /** Where the logic comes from, e.g. "CDC NSSP CCDD: CDC All Drug v2". */
  source?: string;
  /** Only active definitions are evaluated; at most one version of an id is active. */
  active: boolean;
  /** A complete CCDD query; when set, the parts below are absent. */
  query?: string;
  /** Codes that include the visit whatever the text says (CDC "automatic inclusion"). */
  diagnosisCodes?: string;
  /** Text that includes the visit on its own (naloxone given), unless an exclusion matches. */
  autoIncludeTerms?: string;
  /** With drugTerms: the chief complaint must match both. */
  overdoseTerms?: string;
  drugTerms?: string;
  /** Rule the text criteria out; never a visit with a qualifying code. */
  exclusions?: string;
}

export type SyndromeDefinitionInput = Omit<SyndromeDefinition, 'active'> & { active?: boolean };

export const QUERY_FIELDS = ['query', 'diagnosisCodes', 'autoIncludeTerms', 'overdoseTerms', 'drugTerms', 'exclusions'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

const group = (q: string) => `(,${q},)`;

/** The definition as one ESSENCE CCDD query: codes ,or, ((auto ,or, (overdose ,and, drug)) ,andnot, exclusions). */
export function composeQuery(def: Pick<SyndromeDefinition, QueryField>): string {
  if (def.query !== undefined) return def.query;
  const text: string[] = [];
  if (def.autoIncludeTerms) text.push(group(def.autoIncludeTerms));
  if (def.overdoseTerms && def.drugTerms) text.push(group(`${group(def.overdoseTerms)},and,${group(def.drugTerms)}`));
  let textQuery = text.join(',or,');
  if (textQuery && def.exclusions) textQuery = `${group(textQuery)},andnot,${group(def.exclusions)}`;
  const parts = [def.diagnosisCodes ? group(def.diagnosisCodes) : '', textQuery ? group(textQuery) : ''].filter(Boolean);
  return parts.join(',or,');
}

export interface DefinitionIssue {
  field: keyof SyndromeDefinition;
  severity: 'error' | 'warning';
  /** 1-based character in that field's query, for query problems. */
  position?: number;
  message: string;
}

/** What is wrong with a definition (errors) or worth a look (warnings); empty when fine. */
export function validateDefinition(def: SyndromeDefinitionInput): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const error = (field: DefinitionIssue['field'], message: string, position?: number) =>
    issues.push(position === undefined ? { field, severity: 'error', message } : { field, severity: 'error', position, message });
  if (typeof def.id !== 'string' || !/^[a-z][a-z0-9_]*$/.test(def.id)) error('id', 'expected snake_case: a lower-case letter, then letters, digits or "_"');
  if (!Number.isInteger(def.version) || def.version < 1) error('version', 'expected a whole number from 1');
  if (typeof def.name !== 'string' || def.name.trim() === '') error('name', 'expected a name');
  if (typeof def.description !== 'string') error('description', 'expected a description (may be empty)');
  if (def.active !== undefined && typeof def.active !== 'boolean') error('active', 'expected true or false');
  const has = (f: QueryField) => def[f] !== undefined;
  const parts = QUERY_FIELDS.filter((f) => f !== 'query' && has(f));
  if (has('query') && parts.length > 0) error('query', `expected either query or the parts, not both (also has ${parts.join(', ')})`);
  if (has('overdoseTerms') !== has('drugTerms')) error(has('overdoseTerms') ? 'drugTerms' : 'overdoseTerms', 'expected overdoseTerms and drugTerms together');
  if (!has('query') && !has('diagnosisCodes') && !has('autoIncludeTerms') && !(has('overdoseTerms') && has('drugTerms')))
    error('query', 'expected a query, or diagnosisCodes, autoIncludeTerms or overdoseTerms with drugTerms');
  if (has('exclusions') && !has('autoIncludeTerms') && !has('overdoseTerms'))
    error('exclusions', 'expected text criteria (autoIncludeTerms or overdoseTerms) for the exclusions to apply to');
  for (const field of QUERY_FIELDS) {
    const value = def[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      error(field, 'expected an ESSENCE query string');
      continue;
    }
    try {
      parseQuery(value);
      const mixed = mixedOperators(value);
      if (mixed) issues.push({ field, severity: 'warning', position: mixed.position, message: mixed.message });
    } catch (e) {
      if (!(e instanceof SyntaxQueryError)) throw e;
      error(field, `at character ${e.position}: ${e.detail}`, e.position);
    }
  }
  return issues;
}

/** Different operators in one group read left to right, which readers often do not expect. */
function mixedOperators(query: string): { position: number; message: string } | null {
  const levels: (string | null)[] = [null];
  for (const token of tokenize(query)) {
    if (token.kind === 'open') levels.push(null);
    else if (token.kind === 'close') levels.pop();
    else if (token.kind === 'and' || token.kind === 'or' || token.kind === 'andnot') {
      const first = levels[levels.length - 1];
      if (first === undefined) continue;
      if (first === null) levels[levels.length - 1] = token.kind;
      else if (first !== token.kind)
        return {
          position: token.position,
          message: `at character ${token.position}: ",${first}," and ",${token.kind}," in one group are read left to right; group with "(," ",)" to make the order explicit`,
        };
    }
  }
  return null;
}

/** The definitions with `version` of `id` active and its other versions inactive (pure). */
export function activateVersion<T extends SyndromeDefinitionInput>(definitions: readonly T[], id: string, version: number): T[] {
  if (!definitions.some((d) => d.id === id && d.version === version)) throw new Error(`no definition ${id} version ${version}`);
  return definitions.map((d) => (d.id === id ? { ...d, active: d.version === version } : d));
}
