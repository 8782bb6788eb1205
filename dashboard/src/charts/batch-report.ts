// The per-record report of a loaded batch: what was read, loaded, left unchanged and rejected,
// and each rejected record's line, id, field and message. A pure function of the report.
import type { BatchReport } from '../api/batches.ts';
import { formatCount } from '../format.ts';

const OUTCOME: Readonly<Record<BatchReport['status'], string>> = {
  received: 'Received, not loaded yet',
  processing: 'Loading',
  loaded: 'Loaded',
  failed: 'Failed: nothing was loaded',
  rejected: 'Rejected as a whole: nothing was loaded',
  duplicate: 'Already loaded before: nothing was loaded again',
};

export function batchReport(report: BatchReport, limit = 200): HTMLElement {
  const root = document.createElement('div');
  root.className = 'batch-report';
  root.dataset['status'] = report.status;
  const heading = document.createElement('p');
  heading.className = `batch-outcome outcome-${report.status}`;
  heading.textContent = report.status === 'duplicate'
    ? 'This file was already loaded before; nothing was loaded again.'
    : report.duplicateOf
    ? `${report.fileName}: already loaded as batch ${report.duplicateOf}; nothing was loaded again.`
    : `${report.fileName}: ${OUTCOME[report.status]}${report.kind ? ` (${report.kind === 'ed' ? 'ED visits' : 'death certificates'})` : ''}.`;
  root.append(heading);
  if (report.error) {
    const error = document.createElement('p');
    error.className = 'batch-error';
    error.textContent = report.error;
    root.append(error);
  }

  const counts = document.createElement('dl');
  counts.className = 'batch-counts';
  for (const [term, n] of [
    ['Read', report.recordsRead],
    ['Loaded', report.recordsLoaded],
    ['Unchanged (already loaded)', report.recordsUnchanged],
    ['Rejected', report.recordsRejected],
  ] as const) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = formatCount(n);
    dd.dataset['count'] = term.split(' ')[0]!.toLowerCase();
    counts.append(dt, dd);
  }
  root.append(counts);

  if (report.errors.length > 0) {
    const table = document.createElement('table');
    table.className = 'batch-errors';
    const caption = table.createCaption();
    caption.textContent =
      report.errorsTotal > Math.min(limit, report.errors.length)
        ? `The first ${formatCount(Math.min(limit, report.errors.length))} of ${formatCount(report.errorsTotal)} record errors (download them all as CSV)`
        : `${formatCount(report.errors.length)} record error${report.errors.length === 1 ? '' : 's'}`;
    const head = table.createTHead().insertRow();
    for (const title of ['Line', 'Record', 'Field', 'What to fix']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    for (const e of report.errors.slice(0, limit)) {
      const tr = body.insertRow();
      for (const text of [e.line === null ? '—' : String(e.line), e.recordId ?? '—', e.field ?? '—', e.message]) tr.insertCell().textContent = text;
    }
    const scroll = document.createElement('div');
    scroll.className = 'table-scroll batch-errors-scroll';
    scroll.tabIndex = 0; // a scrolling region must be reachable by keyboard
    scroll.setAttribute('aria-label', 'Record errors');
    scroll.append(table);
    root.append(scroll);
  } else if (report.status === 'loaded') {
    const ok = document.createElement('p');
    ok.textContent = 'Every record was read without an error.';
    root.append(ok);
  }
  return root;
}
