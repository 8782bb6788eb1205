/**
 * Evaluates the active syndrome definitions on ED visits. Each definition's query is parsed and
 * compiled once, all into one query set, so the CCDD text of a visit is built, lower-cased and
 * indexed once and the term lists the definitions share are searched once.
 */
import { ccddText, type CcddSource } from './ccdd.ts';
import { composeQuery, type SyndromeDefinition, type SyndromeDefinitionInput, validateDefinition } from './definition.ts';
import { BUILTIN_SYNDROMES } from './definitions.ts';
import { createQuerySet } from './query-set.ts';
import { VisitTextMemo } from '../visit-memo.ts';

export interface SyndromeEngine {
  /** All definitions given (inactive ones included), with `active` filled in. */
  readonly definitions: readonly SyndromeDefinition[];
  /** Ids of the active definitions the visit meets, in definition order. */
  evaluate(visit: CcddSource): string[];
  /** The same without the memo: for a caller that remembers visits itself (visit-coding.ts). */
  evaluateFresh(visit: CcddSource): string[];
  /** The same on a CCDD text already built (ccddText); null is an absent field. */
  evaluateText(ccdd: string | null): string[];
}

const MEMO_CAPACITY = 100_000;

/** Throws, naming every problem, when a definition is invalid or two versions of an id are active. */
/**
 * @param options.triageNote search the triage note too (after the chief complaint), beyond ESSENCE's
 *   CCDD; on by default in vigil (see ccdd.ts). Off gives exactly ESSENCE's behaviour.
 * @param options.memoCapacity how many recent visits (and texts) to remember, 100,000 by default.
 */
export function createSyndromeEngine(
  definitions: readonly SyndromeDefinitionInput[] = BUILTIN_SYNDROMES,
  options: { triageNote?: boolean; memoCapacity?: number } = {},
): SyndromeEngine {
  const triageNote = options.triageNote ?? true;
  const capacity = options.memoCapacity ?? MEMO_CAPACITY;
  const problems: string[] = [];
  const seen = new Set<string>();
  const activeIds = new Set<string>();
  const normalised = definitions.map((input): SyndromeDefinition => {
    const def = { ...input, active: input.active ?? true };
    const label = `definition ${String(def.id)} v${String(def.version)}`;
    for (const issue of validateDefinition(def)) if (issue.severity === 'error') problems.push(`${label}: ${issue.field}: ${issue.message}`);
    const key = `${def.id}@${def.version}`;
    if (seen.has(key)) problems.push(`${label}: the same id and version appear twice`);
    seen.add(key);
    if (def.active) {
      if (activeIds.has(def.id)) problems.push(`${label}: another version of ${def.id} is already active`);
      activeIds.add(def.id);
    }
    return def;
  });
  if (problems.length > 0) throw new Error(`invalid syndrome definitions:\n  ${problems.join('\n  ')}`);

  const set = createQuerySet();
  const compiled = normalised.filter((d) => d.active).map((d) => ({ id: d.id, index: set.add(composeQuery(d)) }));
  const evaluateNow = (ccdd: string | null): string[] => {
    set.prepare(ccdd);
    const ids: string[] = [];
    for (const { id, index } of compiled) if (set.test(index)) ids.push(id);
    return ids;
  };
  // Complaints, notes and codes recur ("CP", "abd pain", the same note templates): remembering
  // recent texts skips the evaluation for most visits. Results are shared: callers must not modify them.
  const memo = new Map<string, readonly string[]>();
  const evaluateText = (ccdd: string | null): string[] => {
    if (ccdd === null) return evaluateNow(null);
    let ids = memo.get(ccdd);
    if (ids === undefined) {
      ids = evaluateNow(ccdd);
      if (memo.size >= capacity) memo.clear();
      memo.set(ccdd, ids);
    }
    return ids as string[];
  };
  // A visit is remembered by its own fields (visit-memo.ts), not by its CCDD text: that would be
  // a new string to build, flatten and hash for every visit.
  const byVisit = new VisitTextMemo<readonly string[]>(capacity);
  const evaluateFresh = (visit: CcddSource): string[] => evaluateNow(ccddText(visit, { triageNote }));
  const evaluate = (visit: CcddSource): string[] => byVisit.get(visit, 0, triageNote, evaluateFresh) as string[];
  return {
    definitions: normalised,
    evaluate,
    evaluateFresh,
    evaluateText,
  };
}
