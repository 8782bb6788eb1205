/**
 * Evaluates the active syndrome definitions on ED visits. Each definition's query is parsed and
 * compiled once, all into one query set, so the CCDD text of a visit is built, lower-cased and
 * indexed once and the term lists the definitions share are searched once.
 */
import { ccddText, type CcddSource } from './ccdd.ts';
import { composeQuery, type SyndromeDefinition, type SyndromeDefinitionInput, validateDefinition } from './definition.ts';
import { BUILTIN_SYNDROMES } from './definitions.ts';
import { createQuerySet } from './query-set.ts';

export interface SyndromeEngine {
  /** All definitions given (inactive ones included), with `active` filled in. */
  readonly definitions: readonly SyndromeDefinition[];
  /** Ids of the active definitions the visit meets, in definition order. */
  evaluate(visit: CcddSource): string[];
  /** The same on a CCDD text already built (ccddText); null is an absent field. */
  evaluateText(ccdd: string | null): string[];
}

const MEMO_CAPACITY = 100_000;
/** Stands for an absent field in the memo's keys (and joins codes): no text contains it. */
const ABSENT = '\u0000';

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
  // A visit is remembered by its fields, complaint → note → codes, rather than by its CCDD text:
  // the field strings are the visit's own, already hashed by the coder's memo, while the CCDD text
  // would be a new string to build, flatten and hash for every visit (measured: 0.8 against 1.4 µs
  // a visit over 1M generated visits).
  let byField = new Map<string, Map<string, Map<string, readonly string[]>>>();
  let remembered = 0;
  const evaluate = (visit: CcddSource): string[] => {
    // A field holding the stand-in itself would share a key with another visit: such a (rare) visit goes by its text.
    if (visit.chiefComplaint === ABSENT || visit.triageNote === ABSENT || visit.dischargeDiagnoses.some((c) => c.includes(ABSENT))) {
      return evaluateText(ccddText(visit, { triageNote }));
    }
    const complaint = visit.chiefComplaint ?? ABSENT;
    const note = triageNote ? (visit.triageNote ?? ABSENT) : ABSENT;
    const dx = visit.dischargeDiagnoses;
    const codes = dx.length === 0 ? '' : dx.length === 1 ? dx[0]! : dx.join(ABSENT);
    if (remembered >= capacity) {
      byField = new Map();
      remembered = 0;
    }
    let byNote = byField.get(complaint);
    if (byNote === undefined) byField.set(complaint, (byNote = new Map()));
    let byCodes = byNote.get(note);
    if (byCodes === undefined) byNote.set(note, (byCodes = new Map()));
    let ids = byCodes.get(codes);
    if (ids === undefined) {
      ids = evaluateNow(ccddText(visit, { triageNote }));
      remembered++;
      byCodes.set(codes, ids);
    }
    return ids as string[];
  };
  return {
    definitions: normalised,
    evaluate,
    evaluateText,
  };
}
