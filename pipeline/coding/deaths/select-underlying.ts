/**
 * Underlying-cause selection for deaths from disease, by the WHO rules (ICD-10 Volume 2, 4.2):
 * General Principle, Rules 1-3, then the modification rules that matter for surveillance:
 * A (ill-defined conditions and mechanisms are not selected when something else is reported),
 * C (linkage) and D (specificity). Every decision is written to the trace. Pure.
 */
import { causalLink, directConsequence } from './knowledge/causal-links.ts';
import { codeSet, isIllDefined } from './knowledge/codes.ts';
import { linkageRulesFor } from './knowledge/linkage.ts';
import type { TraceStep } from './types.ts';

/** A reported condition with its place on the certificate. */
export interface Condition {
  code: string;
  text: string;
  /** Position in the causal order: 0 is the top of Part I; each line and each "due to" goes one down. */
  level: number;
  /** Order of mention on the certificate. */
  order: number;
  partTwo: boolean;
}

/** Terminal mechanisms: not causes of death (DOMAIN.md), never selected when anything else is reported. */
export const isMechanism = codeSet('I46, I49.0, J96, R57, R68.8, R09.2, R99, I95.9, G93.1, E87.2');

export interface Selection {
  code: string;
  trace: TraceStep[];
  /** Only mechanisms or ill-defined conditions were reported. */
  unsuitable: boolean;
}

const describe = (c: Condition) => `"${c.text}" (${c.code})`;

export function selectUnderlyingCause(conditions: readonly Condition[]): Selection | null {
  const partOne = conditions.filter((c) => !c.partTwo);
  if (partOne.length === 0) {
    // WHO: with Part I empty, Part II conditions are treated as if entered in Part I.
    if (conditions.length === 0) return null;
    const rest = selectUnderlyingCause(conditions.map((c, i) => ({ ...c, partTwo: false, level: i })))!;
    const step: TraceStep = { rule: 'Part II as Part I', detail: 'Part I reports no codable condition; the conditions of Part II are read as if entered in Part I.' };
    return { ...rest, trace: [step, ...rest.trace] };
  }
  const trace: TraceStep[] = [];
  const informative = partOne.filter((c) => !isIllDefined(c.code) && !isMechanism(c.code));
  const informativePartTwo = conditions.filter((c) => c.partTwo && !isIllDefined(c.code) && !isMechanism(c.code));
  if (informative.length === 0 && informativePartTwo.length > 0) {
    // Modification A: Part I reports only mechanisms or ill-defined states; select as if they
    // had not been reported, which leaves Part II to be read as Part I.
    trace.push({
      rule: 'Modification A',
      detail: `Part I reports only ${partOne.map(describe).join(', ')}, which are not selected while other conditions are reported; Part II is read as Part I.`,
    });
    const rest = selectUnderlyingCause(informativePartTwo.map((c, i) => ({ ...c, partTwo: false, level: i })))!;
    return { ...rest, trace: [...trace, ...rest.trace] };
  }
  let unsuitable = false;
  let candidates = partOne;
  if (informative.length > 0 && informative.length < partOne.length) {
    // Modification A applied up front: the same result as selecting and then discarding.
    trace.push({
      rule: 'Modification A',
      detail: `Not selectable while other conditions are reported: ${partOne.filter((c) => !informative.includes(c)).map(describe).join(', ')}.`,
    });
    candidates = informative;
  } else if (informative.length === 0) {
    unsuitable = true;
  }

  let selected = generalPrinciple(candidates, trace) ?? ruleOneOrTwo(candidates, trace);
  selected = ruleThree(selected, conditions, trace);
  const code = modify(selected, conditions, trace);
  if (unsuitable) {
    trace.push({ rule: 'unsuitable underlying cause', detail: `Only mechanisms or ill-defined conditions are reported; ${code} is coded and sent for query.` });
  }
  return { code, trace, unsuitable };
}

function levels(conditions: readonly Condition[]): number[] {
  return [...new Set(conditions.map((c) => c.level))].sort((a, b) => a - b);
}

function generalPrinciple(conditions: readonly Condition[], trace: TraceStep[]): Condition | null {
  const used = levels(conditions);
  const lowest = conditions.filter((c) => c.level === used[used.length - 1]);
  const distinct = [...new Set(lowest.map((c) => c.code))];
  if (distinct.length !== 1) return null;
  const candidate = lowest[0]!;
  const above = conditions.filter((c) => c.level < candidate.level && c.code !== candidate.code);
  const reasons = above.map((c) => causalLink(c.code, candidate.code));
  if (reasons.some((reason) => reason === null)) return null;
  trace.push({
    rule: 'General Principle',
    detail:
      above.length === 0
        ? `${describe(candidate)} is the only condition reported in Part I.`
        : `${describe(candidate)}, alone on the lowest used line, could have given rise to every condition above it (${[...new Set(reasons)].join('; ')}).`,
  });
  return candidate;
}

function ruleOneOrTwo(conditions: readonly Condition[], trace: TraceStep[]): Condition {
  const first = [...conditions].sort((a, b) => a.level - b.level || a.order - b.order)[0]!;
  const used = levels(conditions);
  // Follow reported sequences down from the first-mentioned condition, one used level at a time.
  let chain = [first];
  let frontier = [first];
  for (let i = used.indexOf(first.level) + 1; i < used.length && frontier.length > 0; i++) {
    const next = conditions
      .filter((c) => c.level === used[i])
      .sort((a, b) => a.order - b.order)
      .find((c) => frontier.some((above) => causalLink(above.code, c.code) !== null));
    if (!next) break;
    chain = [...chain, next];
    frontier = [next];
  }
  if (chain.length > 1) {
    const origin = chain[chain.length - 1]!;
    trace.push({
      rule: 'Rule 1',
      detail: `The General Principle does not apply; the reported sequence ${chain.map(describe).join(' due to ')} ends in the first-mentioned condition, so its originating cause is selected.`,
    });
    return origin;
  }
  trace.push({ rule: 'Rule 2', detail: `No reported sequence ends in the first-mentioned condition; the first-mentioned ${describe(first)} is selected.` });
  return first;
}

/**
 * Rule 3: a selected condition that is obviously a direct consequence of another reported
 * condition gives way to it. Conditions reported above the selected one are its consequences on
 * this certificate, so only Part II and conditions at or below its level are considered.
 */
function ruleThree(selected: Condition, all: readonly Condition[], trace: TraceStep[]): Condition {
  let current = selected;
  for (let step = 0; step < 3; step++) {
    const from = current;
    const cause = all.find((c) => c !== from && (c.partTwo || c.level >= from.level) && directConsequence(from.code, c.code) !== null);
    if (!cause) return current;
    trace.push({
      rule: 'Rule 3',
      detail: `${describe(current)} is obviously a direct consequence of ${describe(cause)}${cause.partTwo ? ' (Part II)' : ''} (${directConsequence(current.code, cause.code)}); that is selected.`,
    });
    current = cause;
  }
  return current;
}

/** Modification rules C and D over everything reported. */
function modify(selected: Condition, all: readonly Condition[], trace: TraceStep[]): string {
  let code = selected.code;
  for (let pass = 0; pass < 3; pass++) {
    const rule = linkageRulesFor(code).find((r) => all.some((c) => c.code !== code && r.withAny(c.code)));
    if (!rule) break;
    const other = all.find((c) => c.code !== code && rule.withAny(c.code))!;
    const result = linkageResult(rule.result, code, other.code);
    if (result === code) break;
    trace.push({ rule: `Modification ${rule.rule}`, detail: `${code} reported with ${describe(other)}: ${rule.note}, ${result}.` });
    code = result;
  }
  return code;
}

function linkageResult(result: string, selected: string, other: string): string {
  if (result === 'other') return other;
  if (result === '{category}{other}') return `${selected.slice(0, 3)}${other.slice(3)}`;
  if (result.startsWith('{category}')) return `${selected.slice(0, 3)}${result.slice('{category}'.length)}`;
  return result;
}
