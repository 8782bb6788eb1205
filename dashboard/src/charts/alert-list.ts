// Alerts as a table: status (ESSENCE colour and its word, so colour is never the only cue),
// source, what, where, when, method, observed against expected, p-value and how often a signal
// this strong comes by chance. Each row opens its series (a button: keyboard reachable). A pure
// function of the rows; the page listens for clicks on [data-alert].
import { alertKey, recurrenceDays, type AlertRow } from '../api/alerts.ts';
import { formatCount, formatRecurrence } from '../format.ts';
import { STATUS_LABELS, methodLabel } from './status.ts';

export interface AlertListInput {
  rows: readonly AlertRow[];
  /** Display name of a measure key (death measure or syndrome id). */
  measureLabel: (key: string) => string;
  placeName: (geography: string) => string;
  /** At most this many rows; the caption says how many there are. */
  limit?: number;
  /** The open alert's key, marked as current. */
  selected?: string | null;
}

export function alertList({ rows, measureLabel, placeName, limit = 25, selected = null }: AlertListInput): HTMLElement {
  const table = document.createElement('table');
  table.className = 'alert-list';
  const head = table.createTHead().insertRow();
  for (const title of ['Status', 'Source', 'What', 'Where', 'When', 'Method', 'Observed', 'Expected', 'p', 'By chance once in', '']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, limit)) {
    const key = alertKey(row);
    const tr = body.insertRow();
    tr.dataset['status'] = row.status;
    if (key === selected) tr.setAttribute('aria-current', 'true');
    const status = tr.insertCell();
    const swatch = document.createElement('span');
    swatch.className = `swatch status-${row.status}`;
    swatch.setAttribute('aria-hidden', 'true');
    status.append(swatch, STATUS_LABELS[row.status] ?? row.status);
    const recurrence = recurrenceDays(row.pValue, row.periodUnit);
    const cells = [
      row.source === 'ed' ? 'ED visits' : 'Deaths',
      measureLabel(row.measure),
      placeName(row.geography),
      row.periodUnit === 'week' ? `week of ${row.period}` : row.period,
      methodLabel(row.method),
      formatCount(row.observed),
      row.expected === null ? '—' : row.expected.toFixed(1),
      row.pValue === null ? '—' : row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
      recurrence === null ? '—' : formatRecurrence(recurrence),
    ];
    for (const text of cells) tr.insertCell().textContent = text;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link-button';
    open.dataset['alert'] = key;
    open.textContent = 'Series';
    open.setAttribute('aria-label', `Show the series behind the ${STATUS_LABELS[row.status].toLowerCase()} for ${measureLabel(row.measure)} in ${placeName(row.geography)}, ${row.period}`);
    tr.insertCell().append(open);
  }
  return table;
}
