// One review item as the coder reads it before deciding: why it is in the queue (the coders'
// reasons, in words) and why it ranks where it does, the record itself (the text line by line, the
// codes found on each line, the underlying cause and record axis, the rule trace: record-list.ts),
// then its history: every coding version and every decision made on it. A pure function of the item.
import type { ReviewItemDetail } from '../api/review.ts';
import { recordEntry } from './record-list.ts';

export interface ReviewItemInput {
  item: ReviewItemDetail;
  countyName: (fips: string) => string;
}

const STATE_WORDS: Readonly<Record<string, string>> = { pending: 'Waiting for a decision', accepted: 'Accepted', corrected: 'Corrected by a coder' };

/** "2026-12-01T14:29:32.578000Z" → "2026-12-01 14:29 UTC": the same on every screen. */
export function utcMinute(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** Deaths: the underlying cause then the record axis; ED: the codes. */
export function codesText(source: ReviewItemDetail['source'], underlyingCause: string | null, codes: readonly string[]): string {
  if (source === 'ed') return codes.join(', ') || 'no codes';
  return `${underlyingCause ?? 'no underlying cause'} [${codes.join(', ')}]`;
}

export function reviewItem({ item, countyName }: ReviewItemInput): HTMLElement {
  const root = document.createElement('div');
  root.className = 'review-item';
  root.dataset['item'] = item.id;
  root.dataset['state'] = item.state;

  const facts = document.createElement('p');
  facts.className = 'review-facts';
  const state = document.createElement('strong');
  state.className = 'review-state';
  state.textContent = STATE_WORDS[item.state] ?? item.state;
  facts.append(state, ` · ${item.source === 'ed' ? 'ED visit' : 'death certificate'} · in the queue since ${utcMinute(item.pendingSince)}`);
  if (item.why.length) facts.append(` · high in the queue because: ${item.why.join('; ')}`);
  root.append(facts);

  if (item.reasons.length) {
    const heading = document.createElement('h3');
    heading.textContent = 'Why a coder must look';
    const list = document.createElement('ul');
    list.className = 'review-reasons';
    for (const reason of item.reasons) {
      const li = document.createElement('li');
      li.dataset['reason'] = reason.key;
      const label = document.createElement('strong');
      label.textContent = reason.label;
      li.append(label);
      // The coder's own words add the particulars (the unmatched text, the drug) when they say more.
      const particulars = reason.text.startsWith(`${reason.label}: `) ? reason.text.slice(reason.label.length + 2) : reason.text;
      if (particulars !== reason.label) li.append(`: ${particulars}`);
      if (reason.lowConfidence) li.append(' (the automation could not settle the codes)');
      list.append(li);
    }
    root.append(heading, list);
  }

  root.append(recordEntry(item.record, countyName, true));

  if (item.codings.length > 1 || item.decisions.length > 0) {
    const history = document.createElement('details');
    history.className = 'review-history';
    const summary = document.createElement('summary');
    summary.textContent = `History: ${item.codings.length} coding version${item.codings.length === 1 ? '' : 's'}, ${item.decisions.length} decision${item.decisions.length === 1 ? '' : 's'}`;
    const list = document.createElement('ol');
    const entries = [
      ...item.codings.map((c) => ({ at: c.version, text: `${c.coder.startsWith('human:') ? `Coded by a coder (${c.coder})` : `Coded by ${c.coder}`}: ${codesText(item.source, c.underlyingCause, c.codes)}${c.current ? ' (current)' : ''}` })),
      ...item.decisions.map((d) => ({
        at: d.decidedAt,
        text: `${d.decision === 'accept' ? 'Accepted' : 'Corrected'} by token ${d.reviewer} (on ${codesText(item.source, d.reviewedUnderlyingCause, d.reviewedCodes)})${d.comment ? `: “${d.comment}”` : ''}`,
      })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const entry of entries) {
      const li = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = entry.at;
      time.textContent = utcMinute(entry.at);
      li.append(time, ` ${entry.text}`);
      list.append(li);
    }
    history.append(summary, list);
    root.append(history);
  }
  if (item.proposals.length) {
    const note = document.createElement('p');
    note.className = 'legend-note';
    note.textContent = `Terms proposed from this record: ${item.proposals.map((p) => `“${p.term}” → ${p.code} (${p.status})`).join('; ')}.`;
    root.append(note);
  }
  return root;
}
