// The latest alerts as a table: status (ESSENCE colour and its word, so colour is never the only
// cue), source, what, where, when, method, observed against expected, p-value. A pure function
// of the rows.
import type { AlertRow } from '../api.ts';
import { formatCount } from '../format.ts';

export const STATUS_LABELS: Readonly<Record<string, string>> = { alert: 'Alert', warning: 'Warning', none: 'None', insufficient: 'Not computable' };
const METHOD_LABELS: Readonly<Record<string, string>> = {
  farrington: 'Farrington flexible',
  cusum: 'CUSUM',
  switch: 'Regression/EWMA switch',
  ears_c2: 'EARS C2',
};

export interface AlertListInput {
  rows: readonly AlertRow[];
  /** Display name of a measure key (death measure or syndrome id). */
  measureLabel: (key: string) => string;
  placeName: (geography: string) => string;
  /** At most this many rows; the caption says how many there are. */
  limit?: number;
}

export function alertList({ rows, measureLabel, placeName, limit = 25 }: AlertListInput): HTMLElement {
  const table = document.createElement('table');
  table.className = 'alert-list';
  const head = table.createTHead().insertRow();
  for (const title of ['Status', 'Source', 'What', 'Where', 'When', 'Method', 'Observed', 'Expected', 'p']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, limit)) {
    const tr = body.insertRow();
    tr.dataset['status'] = row.status;
    const status = tr.insertCell();
    const swatch = document.createElement('span');
    swatch.className = `swatch status-${row.status}`;
    swatch.setAttribute('aria-hidden', 'true');
    status.append(swatch, STATUS_LABELS[row.status] ?? row.status);
    const cells = [
      row.source === 'ed' ? 'ED visits' : 'Deaths',
      measureLabel(row.measure),
      placeName(row.geography),
      row.periodUnit === 'week' ? `week of ${row.period}` : row.period,
      METHOD_LABELS[row.method] ?? row.method,
      formatCount(row.observed),
      row.expected === null ? '—' : row.expected.toFixed(1),
      row.pValue === null ? '—' : row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
    ];
    for (const text of cells) tr.insertCell().textContent = text;
  }
  return table;
}
