// The review queue as a table: each item's record, date and place, its first text, what the
// automation coded, why it needs a human look and why it is this high in the queue. Each row opens
// the record (a button: keyboard reachable; the page listens for clicks on [data-item]). Pure.
import type { QueueItem } from '../api/records.ts';

export interface ReviewQueueInput {
  items: readonly QueueItem[];
  countyName: (fips: string) => string;
  selected: string | null;
}

export function reviewQueue({ items, countyName, selected }: ReviewQueueInput): HTMLElement {
  const table = document.createElement('table');
  table.className = 'review-queue';
  const head = table.createTHead().insertRow();
  for (const title of ['Record', 'Source', 'Date', 'Where', 'Text', 'Coded', 'Needs review because', 'Priority', '']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const item of items) {
    const tr = body.insertRow();
    tr.dataset['state'] = item.state;
    if (item.id === selected) tr.setAttribute('aria-current', 'true');
    const cells = [
      item.id,
      item.source === 'ed' ? 'ED visit' : 'Death',
      item.date ?? '—',
      item.county ? countyName(item.county) : (item.jurisdiction ?? '—'),
      item.summary ?? '—',
      item.source === 'deaths' ? [item.underlyingCause, ...item.codes.filter((c) => c !== item.underlyingCause)].filter(Boolean).join(', ') : item.codes.join(', '),
      item.reasons.join('; '),
      item.why.join('; ') || '—',
    ];
    for (const text of cells) tr.insertCell().textContent = text;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link-button';
    open.dataset['item'] = item.id;
    open.textContent = 'Open';
    open.setAttribute('aria-label', `Open record ${item.id}`);
    tr.insertCell().append(open);
  }
  return table;
}
