// What the coder's last decision did, shown above the next record: accepted, or corrected from
// which codes to which. After a correction of a death the coder may teach the lexicon the words
// it missed: a form to propose a term (the words flagged, the code the correction added, both
// editable) for an admin to approve. The view sends it (views/review.ts). Pure.
import { MAX_COMMENT, type ReviewSource } from '../api/review.ts';
import { codesText } from './review-item.ts';

export interface DecisionOutcome {
  itemId: string;
  source: ReviewSource;
  decision: 'accept' | 'correct';
  decisionId: string;
  before: { underlyingCause: string | null; codes: string[] };
  after: { underlyingCause: string | null; codes: string[] };
  /** What the term form starts with (deaths corrections only). */
  proposal: { term: string; code: string } | null;
  /** Whether it was waiting in the queue (a record opened from a link may have been decided already). */
  leftQueue: boolean;
  /** The record opened next, or null when the queue is done. */
  next: string | null;
}

export function reviewOutcome(outcome: DecisionOutcome): HTMLElement {
  const root = document.createElement('div');
  root.className = 'review-outcome-body';
  root.dataset['item'] = outcome.itemId;
  root.dataset['decision'] = outcome.decision;
  root.dataset['decisionId'] = outcome.decisionId;

  const message = document.createElement('p');
  message.className = 'review-outcome-message';
  const before = codesText(outcome.source, outcome.before.underlyingCause, outcome.before.codes);
  const after = codesText(outcome.source, outcome.after.underlyingCause, outcome.after.codes);
  const what = outcome.decision === 'accept' ? `Accepted ${outcome.itemId} as coded: ${before}.` : `Corrected ${outcome.itemId} from ${before} to ${after}.`;
  const left = outcome.leftQueue ? ' It left the queue' : '';
  const then = outcome.next ? `${left ? `${left};` : ''} ${outcome.next} is open below.` : outcome.leftQueue ? `${left}, which is now empty.` : '';
  // Aggregates read the current coding, so a correction counts at once; the precomputed cache catches up when refreshed.
  const counts = outcome.decision === 'correct' ? ' The counts include the correction now, the aggregate cache from its next refresh.' : '';
  message.textContent = `${what}${then}${counts}`;
  root.append(message);

  if (outcome.decision === 'correct' && outcome.source === 'deaths' && outcome.proposal) {
    root.append(proposalForm(outcome));
  }
  return root;
}

function input(parent: HTMLElement, id: string, label: string, value: string, size: number): HTMLInputElement {
  const wrap = document.createElement('div');
  wrap.className = 'review-field';
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const control = document.createElement('input');
  control.type = 'text';
  control.id = id;
  control.name = id;
  control.defaultValue = value;
  control.size = size;
  control.autocomplete = 'off';
  control.spellcheck = false;
  wrap.append(labelEl, control);
  parent.append(wrap);
  return control;
}

function proposalForm(outcome: DecisionOutcome): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'review-propose';
  form.dataset['decisionId'] = outcome.decisionId;
  form.noValidate = true;
  const fieldset = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = 'Teach the lexicon: propose a term from this correction';
  const note = document.createElement('p');
  note.className = 'legend-note';
  note.textContent = 'The words as certifiers write them (1 to 7 words; one word needs 4 letters or more) and the WHO ICD-10 code they mean. An admin approves it into a new lexicon version; then the certificates with the term are coded again.';
  fieldset.append(legend, note);
  input(fieldset, 'propose-term', 'Term', outcome.proposal?.term ?? '', 28);
  input(fieldset, 'propose-code', 'Code (WHO ICD-10)', outcome.proposal?.code ?? '', 8);
  const comment = input(fieldset, 'propose-comment', 'Comment for the admin (optional)', '', 40);
  comment.maxLength = MAX_COMMENT;
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = 'Propose the term';
  const result = document.createElement('p');
  result.className = 'review-propose-result';
  result.setAttribute('role', 'status');
  fieldset.append(button, result);
  form.append(fieldset);
  return form;
}
