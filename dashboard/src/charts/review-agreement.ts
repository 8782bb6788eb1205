// How often the coders agree with the automation: overall, for the underlying cause alone, per
// review reason (which kinds of doubt the automation resolves well) and per code (which codes the
// coders keep, remove or add). Simple percent agreement as the server computes it, never
// chance-corrected; each share with its count, and a meter beside it so the rows compare at a
// glance (the number is always written too). Pure.
import type { Agreement, AgreementReport } from '../api/review.ts';
import { formatCount } from '../format.ts';

export interface ReviewAgreementInput {
  report: AgreementReport;
  /** Rows per table; the rest are counted in a note. */
  top?: number;
}

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

export function percentText(a: Agreement): string {
  return a.percent === null ? '—' : `${a.percent.toFixed(1)}%`;
}

function share(td: HTMLTableCellElement, a: Agreement): void {
  td.className = 'num agreement-share';
  const meter = document.createElement('meter');
  meter.min = 0;
  meter.max = 100;
  meter.value = a.percent ?? 0;
  meter.setAttribute('aria-hidden', 'true');
  td.append(meter, ` ${percentText(a)}`);
}

function table(className: string, caption: string, columns: readonly string[]): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const el = document.createElement('table');
  el.className = `agreement-table ${className}`;
  el.createCaption().textContent = caption;
  const head = el.createTHead().insertRow();
  columns.forEach((title, i) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    if (i > 0) th.className = 'num';
    head.append(th);
  });
  return { table: el, body: el.createTBody() };
}

export function reviewAgreement({ report, top = 12 }: ReviewAgreementInput): HTMLElement {
  const root = document.createElement('div');
  root.className = 'review-agreement';
  const { overall, underlyingCause } = report;
  const summary = document.createElement('p');
  summary.className = 'agreement-overall';
  summary.textContent =
    `Coders agreed with the automation on ${formatCount(overall.agreed)} of ${formatCount(overall.decisions)} decisions (${percentText(overall)}): ` +
    `${formatCount(overall.accepted)} accepted, ${formatCount(overall.corrected)} corrected.` +
    (underlyingCause.decisions ? ` Underlying cause of death alone: ${formatCount(underlyingCause.agreed)} of ${formatCount(underlyingCause.decisions)} (${percentText(underlyingCause)}).` : '');
  root.append(summary);

  const reasons = table('agreement-reasons', 'By the reason the record was flagged', ['Reason', 'Decisions', 'Accepted', 'Corrected', 'Agreement']);
  for (const row of report.byReason.slice(0, top)) {
    const tr = reasons.body.insertRow();
    tr.dataset['reason'] = row.reason;
    tr.insertCell().textContent = row.label;
    for (const n of [row.decisions, row.accepted, row.corrected]) {
      const td = tr.insertCell();
      td.className = 'num';
      td.textContent = formatCount(n);
    }
    share(tr.insertCell(), row);
  }
  const codes = table('agreement-codes', 'By code: kept, removed or added by the coders', ['Code', 'Decisions', 'Kept', 'Removed', 'Added', 'Agreement']);
  for (const row of report.byCode.slice(0, top)) {
    const tr = codes.body.insertRow();
    tr.dataset['code'] = row.code;
    const code = document.createElement('code');
    code.textContent = row.code;
    tr.insertCell().append(code);
    for (const n of [row.decisions, row.kept, row.removed, row.added]) {
      const td = tr.insertCell();
      td.className = 'num';
      td.textContent = formatCount(n);
    }
    share(tr.insertCell(), row);
  }
  const grid = document.createElement('div');
  grid.className = 'agreement-grid';
  grid.append(reasons.table, codes.table);
  root.append(grid);

  const hidden = [report.byReason.length - top, report.byCode.length - top].map((n) => Math.max(0, n));
  const note = document.createElement('p');
  note.className = 'legend-note';
  note.textContent =
    (hidden[0]! || hidden[1]! ? `Not shown: ${plural(hidden[0]!, 'more reason')}, ${plural(hidden[1]!, 'more code')} (the fewest decisions). ` : '') +
    `Method: ${report.method}. A code's agreement is the share of the decisions involving it in which the coder kept it.`;
  root.append(note);
  return root;
}
