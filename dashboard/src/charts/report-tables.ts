// The report's tables: each measure over the whole period (count, rate with its 95% CI), then
// month by month (counts), suppressed cells written as such and unreliable rates starred. A pure
// function of the report model.
import { formatMonth } from '../format.ts';
import { monthsBetween } from '../filters.ts';
import { METHODS_NOTES, cellCount, cellRate, type ReportModel } from '../report.ts';

function headRow(table: HTMLTableElement, titles: readonly string[], numericFrom: number): void {
  const row = table.createTHead().insertRow();
  titles.forEach((title, i) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    if (i >= numericFrom) th.className = 'num';
    row.append(th);
  });
}

function cell(row: HTMLTableRowElement, text: string, numeric: boolean): void {
  const td = row.insertCell();
  td.textContent = text;
  if (numeric) td.className = 'num';
}

export function reportTables(model: ReportModel): HTMLElement {
  const root = document.createElement('div');
  root.className = 'report-tables';
  const measures = model.measures.filter((m) => !m.error);

  const summaryTitle = document.createElement('h2');
  summaryTitle.textContent = 'The whole period';
  const summary = document.createElement('table');
  summary.className = 'report-summary';
  headRow(summary, ['Measure', 'Deaths', 'Rate per 100,000 (95% CI)'], 1);
  const body = summary.createTBody();
  for (const m of measures) {
    const tr = body.insertRow();
    tr.dataset['measure'] = m.key;
    cell(tr, m.label, false);
    cell(tr, cellCount(m.total), true);
    cell(tr, cellRate(m.total), true);
  }

  const monthlyTitle = document.createElement('h2');
  monthlyTitle.textContent = 'Deaths by month';
  const monthly = document.createElement('table');
  monthly.className = 'report-monthly';
  const months = monthsBetween(model.from, model.to);
  headRow(monthly, ['Measure', ...months.map(formatMonth)], 1);
  const monthlyBody = monthly.createTBody();
  for (const m of measures) {
    const tr = monthlyBody.insertRow();
    cell(tr, m.label, false);
    for (const month of months) cell(tr, cellCount(m.months.get(month)), true);
  }

  const notesTitle = document.createElement('h2');
  notesTitle.textContent = 'Methods';
  const notes = document.createElement('ul');
  notes.className = 'legend-note';
  for (const text of ['* Unreliable: a rate from fewer than 20 deaths.', ...METHODS_NOTES]) {
    const li = document.createElement('li');
    li.textContent = text;
    notes.append(li);
  }
  root.append(summaryTitle, summary, monthlyTitle, monthly);
  const failed = model.measures.filter((m) => m.error);
  if (failed.length) {
    const p = document.createElement('p');
    p.className = 'legend-note';
    p.textContent = `Left out (could not be loaded): ${failed.map((m) => `${m.label}: ${m.error}`).join('; ')}`;
    root.append(p);
  }
  root.append(notesTitle, notes);
  return root;
}
