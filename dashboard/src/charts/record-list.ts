// Coded records, one expandable entry each: the certificate's own text line by line, the codes
// found on each line (entity axis), the underlying cause and record axis, the drugs, why it needs
// a human look, and the coder's rule trace. For the line list behind a cell and the review queue.
// A pure function of the records.
import type { CodedRecord } from '../api/records.ts';

export interface RecordListInput {
  records: readonly CodedRecord[];
  total: number;
  countyName: (fips: string) => string;
  /** "No records" message for an empty list. */
  empty: string;
}

export function recordList({ records, total, countyName, empty }: RecordListInput): HTMLElement {
  const root = document.createElement('div');
  root.className = 'record-list';
  const count = document.createElement('p');
  count.className = 'caption';
  count.textContent = records.length === 0 ? empty : total > records.length ? `The first ${records.length} of ${total} records.` : `${records.length} record${records.length === 1 ? '' : 's'}.`;
  root.append(count);
  for (const record of records) root.append(recordEntry(record, countyName));
  return root;
}

/** One record, collapsed to its summary line unless `open`. */
export function recordEntry(record: CodedRecord, countyName: (fips: string) => string, open = false): HTMLElement {
  const details = document.createElement('details');
  details.className = 'record';
  details.dataset['record'] = record.id;
  details.open = open;
  const summary = document.createElement('summary');
  const facts = [record.date, record.age === null ? null : `age ${record.age}`, record.sex, record.residence ? countyName(record.residence) : null].filter(Boolean).join(' · ');
  const coded = record.source === 'deaths' ? (record.underlyingCause ?? 'no underlying cause') : record.codes.join(', ') || 'no codes';
  summary.textContent = `${record.id}: ${coded}${facts ? ` · ${facts}` : ''}${record.reviewReasons.length ? ' · needs review' : ''}`;
  details.append(summary);

  const text = document.createElement('table');
  text.className = 'record-text';
  const head = text.createTHead().insertRow();
  for (const title of ['Line', record.source === 'deaths' ? 'As certified' : 'As recorded', 'Codes found on the line']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = text.createTBody();
  for (const line of record.lines) {
    const tr = body.insertRow();
    const codes = line.number === null ? [] : record.entityAxis.filter((e) => e.line === line.number).map((e) => `${e.code} (${e.text})`);
    for (const value of [line.label, line.text, line.number === null ? '' : codes.join(', ') || '—']) tr.insertCell().textContent = value;
  }
  details.append(text);

  const coding = document.createElement('dl');
  coding.className = 'record-codes';
  const add = (term: string, value: string) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    coding.append(dt, dd);
  };
  if (record.source === 'deaths') {
    add('Underlying cause', record.underlyingCause ?? '—');
    add('Record axis', record.codes.join(', ') || '—');
  } else {
    add('ICD-10-CM codes', record.codes.join(', ') || '—');
    if (record.syndromes.length) add('Syndromes', record.syndromes.join(', '));
  }
  add('Drugs', record.drugs.map((d) => `${d.name} (${d.code})`).join(', ') || '—');
  if (record.manner) add('Manner', record.manner);
  if (record.reviewReasons.length) add('Needs review because', record.reviewReasons.join('; '));
  details.append(coding);

  if (record.trace.length) {
    const heading = document.createElement('p');
    heading.className = 'legend-note';
    heading.textContent = 'Rule trace: how the coder decided, step by step.';
    const trace = document.createElement('ol');
    trace.className = 'record-trace';
    trace.setAttribute('aria-label', 'Rule trace');
    for (const step of record.trace) {
      const li = document.createElement('li');
      const rule = document.createElement('code');
      rule.textContent = step.rule;
      li.append(rule, ` ${step.detail}`);
      trace.append(li);
    }
    details.append(heading, trace);
  }
  return details;
}
