/**
 * Agreement between coders and the automation, from the coders' decisions: per review reason, per
 * code and per underlying cause. The measure is simple percent agreement — the share of decisions
 * in which the coder's codes are the automation's — not a chance-corrected statistic (no Cohen's
 * kappa): every decision here is on a record the automation flagged, so the agreement expected by
 * chance is not defined the way kappa needs it. A "correction" that leaves every code as it was
 * counts as agreement. Pure.
 */
import { classifyReason } from './reasons.ts';

export interface AgreementDecision {
  source: 'deaths' | 'ed';
  decision: 'accept' | 'correct';
  reasons: readonly string[];
  reviewedUnderlyingCause: string | null;
  reviewedCodes: readonly string[];
  decidedUnderlyingCause: string | null;
  decidedCodes: readonly string[];
}

export interface Agreement {
  decisions: number;
  agreed: number;
  /** agreed / decisions × 100, one decimal; null without decisions. */
  percent: number | null;
}

export interface ReasonAgreement extends Agreement {
  reason: string;
  label: string;
  accepted: number;
  corrected: number;
}

export interface CodeAgreement extends Agreement {
  code: string;
  /** In the automated codes and kept by the coder (= agreed). */
  kept: number;
  /** In the automated codes, removed by the coder. */
  removed: number;
  /** Added by the coder. */
  added: number;
}

export interface UnderlyingCauseAgreement extends Agreement {
  /** The automated underlying cause ('none' when it had none). */
  code: string;
  /** What coders changed it to, most frequent first. */
  correctedTo: { code: string; decisions: number }[];
}

export interface AgreementReport {
  method: string;
  overall: Agreement & { accepted: number; corrected: number };
  /** Deaths only: the underlying cause alone. */
  underlyingCause: Agreement;
  byReason: ReasonAgreement[];
  byCode: CodeAgreement[];
  byUnderlyingCause: UnderlyingCauseAgreement[];
}

export const AGREEMENT_METHOD =
  "simple percent agreement: the share of decisions in which the coder's codes equal the automation's (underlying cause and the set of multiple causes; ED: the set of codes); not chance-corrected (no kappa)";

const percent = (agreed: number, n: number) => (n === 0 ? null : Math.round((agreed / n) * 1000) / 10);
const sameSet = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x));

/** Whether the coder's codes are the automation's. */
export function agrees(d: AgreementDecision): boolean {
  return d.reviewedUnderlyingCause === d.decidedUnderlyingCause && sameSet(d.reviewedCodes, d.decidedCodes);
}

export function agreementReport(decisions: readonly AgreementDecision[]): AgreementReport {
  const byReason = new Map<string, ReasonAgreement>();
  const byCode = new Map<string, CodeAgreement>();
  const byCause = new Map<string, UnderlyingCauseAgreement & { to: Map<string, number> }>();
  let agreed = 0;
  let accepted = 0;
  let deaths = 0;
  let causeKept = 0;
  for (const d of decisions) {
    const ok = agrees(d);
    if (ok) agreed++;
    if (d.decision === 'accept') accepted++;
    for (const key of new Set(d.reasons.map((r) => classifyReason(r).key))) {
      const label = classifyReason(d.reasons.find((r) => classifyReason(r).key === key)!).label;
      const row = byReason.get(key) ?? { reason: key, label, decisions: 0, agreed: 0, percent: null, accepted: 0, corrected: 0 };
      row.decisions++;
      if (ok) row.agreed++;
      if (d.decision === 'accept') row.accepted++;
      else row.corrected++;
      byReason.set(key, row);
    }
    const reviewed = new Set(d.reviewedCodes);
    const decided = new Set(d.decidedCodes);
    for (const code of new Set([...reviewed, ...decided])) {
      const row = byCode.get(code) ?? { code, decisions: 0, agreed: 0, percent: null, kept: 0, removed: 0, added: 0 };
      row.decisions++;
      if (reviewed.has(code) && decided.has(code)) row.kept++;
      else if (reviewed.has(code)) row.removed++;
      else row.added++;
      row.agreed = row.kept;
      byCode.set(code, row);
    }
    if (d.source === 'deaths') {
      deaths++;
      const same = d.reviewedUnderlyingCause === d.decidedUnderlyingCause;
      if (same) causeKept++;
      const code = d.reviewedUnderlyingCause ?? 'none';
      const row = byCause.get(code) ?? { code, decisions: 0, agreed: 0, percent: null, correctedTo: [], to: new Map<string, number>() };
      row.decisions++;
      if (same) row.agreed++;
      else row.to.set(d.decidedUnderlyingCause ?? 'none', (row.to.get(d.decidedUnderlyingCause ?? 'none') ?? 0) + 1);
      byCause.set(code, row);
    }
  }
  const finish = <T extends Agreement>(row: T): T => ({ ...row, percent: percent(row.agreed, row.decisions) });
  const biggest = (a: { decisions: number; code?: string; reason?: string }, b: { decisions: number; code?: string; reason?: string }) =>
    b.decisions - a.decisions || String(a.code ?? a.reason).localeCompare(String(b.code ?? b.reason));
  return {
    method: AGREEMENT_METHOD,
    overall: { decisions: decisions.length, agreed, percent: percent(agreed, decisions.length), accepted, corrected: decisions.length - accepted },
    underlyingCause: { decisions: deaths, agreed: causeKept, percent: percent(causeKept, deaths) },
    byReason: [...byReason.values()].map(finish).sort(biggest),
    byCode: [...byCode.values()].map(finish).sort(biggest),
    byUnderlyingCause: [...byCause.values()]
      .map(({ to, ...row }) => finish({ ...row, correctedTo: [...to].map(([code, n]) => ({ code, decisions: n })).sort((a, b) => b.decisions - a.decisions || a.code.localeCompare(b.code)) }))
      .sort(biggest),
  };
}
