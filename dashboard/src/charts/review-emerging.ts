// Emerging substances: words the lexicon does not know, seen in overdose-context texts, fastest
// growing first: how many records had each in the recent period and in the one before, the growth
// (add-one smoothed), how much more frequent it is there than in other records, the newest example
// texts, the code the server suggests and a button that proposes it in one click (the page listens
// for clicks on [data-propose]). A word already proposed says so instead. Pure.
import type { EmergingReport } from '../api/review.ts';
import { formatCount } from '../format.ts';

export interface ReviewEmergingInput {
  report: EmergingReport;
  /** Words proposed from this page since it loaded: token → what the server answered. */
  proposed: ReadonlyMap<string, { ok: boolean; text: string }>;
}

/** The periods end on the day after their last (YYYY-MM-DD); people read the last day. */
export function dayBefore(day: string): string {
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(time) ? day : new Date(time - 86_400_000).toISOString().slice(0, 10);
}

const growthFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** The text fields the server quotes, as the record view labels them (record-list.ts). */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  part1_a: 'I(a)', part1_b: 'I(b)', part1_c: 'I(c)', part1_d: 'I(d)', part2: 'Part II', how_injury: 'how the injury occurred',
  chief_complaint: 'chief complaint', triage_note: 'triage note',
};

function exampleItem(example: EmergingReport['tokens'][number]['examples'][number]): HTMLLIElement {
  const li = document.createElement('li');
  const where = document.createElement('span');
  where.className = 'legend-note';
  where.textContent = `${example.day} · ${example.itemId} · ${FIELD_NAMES[example.field] ?? example.field.replace(/_/g, ' ')}: `;
  const quote = document.createElement('q');
  quote.textContent = example.text;
  li.append(where, quote);
  return li;
}

export function reviewEmerging({ report, proposed }: ReviewEmergingInput): HTMLElement {
  const root = document.createElement('div');
  root.className = 'review-emerging';
  const table = document.createElement('table');
  table.className = 'review-emerging-table';
  const caption = table.createCaption();
  const { previousFrom, recentFrom, to } = report.periods;
  caption.textContent = `Recent: ${recentFrom} to ${dayBefore(to)}; before: ${previousFrom} to ${dayBefore(recentFrom)}. ${formatCount(report.records)} overdose-context records read, ${formatCount(report.backgroundRecords)} others as the background.`;
  const head = table.createTHead().insertRow();
  for (const [title, numeric] of [['Word', false], ['Recent', true], ['Before', true], ['Growth', true], ['× background', true], ['Examples (newest first)', false], ['Suggested code', false], ['', false]] as const) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    if (numeric) th.className = 'num';
    head.append(th);
  }
  const body = table.createTBody();
  for (const token of report.tokens) {
    const tr = body.insertRow();
    tr.dataset['token'] = token.token;
    const word = document.createElement('th');
    word.scope = 'row';
    word.textContent = token.token;
    tr.append(word);
    const numbers = [formatCount(token.recent), formatCount(token.previous), `×${growthFormat.format(token.growth)}`, token.specificity === null ? 'only here' : `×${growthFormat.format(token.specificity)}`];
    for (const text of numbers) {
      const td = tr.insertCell();
      td.className = 'num';
      td.textContent = text;
    }
    const examples = tr.insertCell();
    // The newest example in full; the others one click away, so the table stays a list of words.
    const [newest, ...older] = token.examples.map(exampleItem);
    if (!newest) examples.append('—');
    else {
      const list = document.createElement('ul');
      list.className = 'review-examples';
      list.append(newest);
      examples.append(list);
      if (older.length) {
        const more = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = `${older.length} more example${older.length === 1 ? '' : 's'}`;
        const rest = document.createElement('ul');
        rest.className = 'review-examples';
        rest.append(...older);
        more.append(summary, rest);
        examples.append(more);
      }
    }
    const code = tr.insertCell();
    const codeText = document.createElement('code');
    codeText.textContent = token.suggestion.code;
    code.append(codeText);
    if (token.suggestion.because) {
      const because = document.createElement('span');
      because.className = 'legend-note review-because';
      because.textContent = ` ${token.suggestion.because}`;
      code.append(because);
    }
    const action = tr.insertCell();
    const done = proposed.get(token.token);
    if (done?.ok || (token.pendingProposal && !done)) {
      const text = document.createElement('span');
      text.className = 'review-proposed';
      text.textContent = done?.text ?? `Proposed (proposal ${token.pendingProposal}): waiting for an admin.`;
      action.append(text);
    } else {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset['propose'] = token.token;
      button.textContent = 'Propose';
      button.setAttribute('aria-label', `Propose “${token.token}” as ${token.suggestion.code}`);
      action.append(button);
      if (done) {
        const error = document.createElement('p');
        error.className = 'field-error';
        error.setAttribute('role', 'alert');
        error.textContent = done.text;
        action.append(error);
      }
    }
  }
  root.append(table);
  const note = document.createElement('p');
  note.className = 'legend-note';
  note.textContent = `Growth is (recent + 1) ÷ (before + 1). “× background”: how many times more frequent in overdose context than in the other records (“only here”: never in them). Lexicon ${report.lexiconVersion}. A proposal goes to an admin, who approves it into a new lexicon version.`;
  root.append(note);
  return root;
}
