// Space-time clusters as a table: where (centre county and how many counties), when, observed
// against expected, relative risk, p-value and recurrence interval. Each row draws its cluster on
// the map (a button; the page listens for clicks on [data-cluster]). A pure function.
import type { ClusterRow } from '../api/alerts.ts';
import { formatCount, formatRecurrence } from '../format.ts';

export interface ClusterListInput {
  rows: readonly ClusterRow[];
  countyName: (fips: string) => string;
  measureLabel: (key: string) => string;
  selected: string | null;
  limit?: number;
}

export function clusterList({ rows, countyName, measureLabel, selected, limit = 20 }: ClusterListInput): HTMLElement {
  const table = document.createElement('table');
  table.className = 'cluster-list';
  const head = table.createTHead().insertRow();
  for (const title of ['Centre', 'Counties', 'Source', 'What', 'From', 'To', 'Observed', 'Expected', 'Relative risk', 'p', 'Recurrence', '']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows.slice(0, limit)) {
    const tr = body.insertRow();
    tr.dataset['significant'] = String(row.pValue < 0.05);
    if (row.id === selected) tr.setAttribute('aria-current', 'true');
    const cells = [
      countyName(row.centre),
      formatCount(row.members.length),
      row.source === 'ed' ? 'ED visits' : 'Deaths',
      row.measure === null ? '—' : measureLabel(row.measure),
      row.start,
      row.end,
      formatCount(row.observed),
      row.expected.toFixed(1),
      row.relativeRisk === null ? '—' : row.relativeRisk.toFixed(2),
      row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3),
      row.recurrenceDays === null ? '—' : formatRecurrence(row.recurrenceDays),
    ];
    for (const text of cells) tr.insertCell().textContent = text;
    const show = document.createElement('button');
    show.type = 'button';
    show.className = 'link-button';
    show.dataset['cluster'] = row.id;
    show.textContent = 'Map';
    show.setAttribute('aria-label', `Draw the cluster centred on ${countyName(row.centre)} on the map`);
    tr.insertCell().append(show);
  }
  return table;
}
