// The coder's decision on one item, as a form: the codes (deaths: the underlying cause and the
// multiple causes of the record axis, WHO ICD-10; ED: the ICD-10-CM codes) filled in as the
// automation coded them, a comment, and two buttons: Accept (the automated codes stand) and
// Correct (the codes as typed become a new coding version). Every control has a label, in reading
// order; each field has a place for its error (aria-describedby) and the form one for the
// server's refusal (role=alert). The view does the sending (views/review.ts). Pure.
import { MAX_COMMENT, type ReviewItemDetail } from '../api/review.ts';

export interface ReviewDecisionInput {
  item: ReviewItemDetail;
}

/** The form's controls by name: what the view reads and where it puts errors. */
export const DECISION_FIELDS = {
  underlyingCause: 'review-underlying-cause',
  codes: 'review-codes',
  comment: 'review-comment',
} as const;

function field(form: HTMLElement, id: string, label: string, value: string, hint: string | null): HTMLInputElement {
  const wrap = document.createElement('div');
  wrap.className = 'review-field';
  const labelEl = document.createElement('label');
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.name = id;
  input.defaultValue = value; // the attribute too: the saved output shows it, a form reset restores it
  input.autocomplete = 'off';
  input.spellcheck = false;
  const described: string[] = [];
  wrap.append(labelEl, input);
  if (hint) {
    const note = document.createElement('p');
    note.className = 'legend-note';
    note.id = `${id}-hint`;
    note.textContent = hint;
    wrap.append(note);
    described.push(note.id);
  }
  const error = document.createElement('p');
  error.className = 'field-error';
  error.id = `${id}-error`;
  error.hidden = true;
  wrap.append(error);
  described.push(error.id);
  input.setAttribute('aria-describedby', described.join(' '));
  form.append(wrap);
  return input;
}

export function reviewDecisionForm({ item }: ReviewDecisionInput): HTMLFormElement {
  const form = document.createElement('form');
  form.className = 'review-decision';
  form.dataset['item'] = item.id;
  form.dataset['version'] = item.version;
  form.dataset['source'] = item.source;
  form.noValidate = true; // checked by the view, with messages that name the code
  form.setAttribute('aria-label', `Decision on ${item.id}`);

  const fieldset = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = 'Your decision';
  fieldset.append(legend);

  const { record } = item;
  if (item.source === 'deaths') {
    field(fieldset, DECISION_FIELDS.underlyingCause, 'Underlying cause (WHO ICD-10)', record.underlyingCause ?? '', null);
    field(fieldset, DECISION_FIELDS.codes, 'Multiple causes, record axis (WHO ICD-10, separated by commas)', record.codes.join(', '), 'The underlying cause is put first if it is not in the list.');
  } else {
    field(fieldset, DECISION_FIELDS.codes, 'ICD-10-CM codes (separated by commas)', record.codes.join(', '), 'Poisoning codes with all seven characters, as T40.411A.');
  }
  const comment = field(fieldset, DECISION_FIELDS.comment, 'Comment (needed for a correction)', '', null);
  comment.maxLength = MAX_COMMENT;

  const hint = document.createElement('p');
  hint.className = 'legend-note';
  hint.id = 'review-decision-hint';
  hint.textContent = 'Enter in a field records the decision: Accept while the codes are as the automation coded them, Correct once you changed them.';
  fieldset.append(hint);

  const actions = document.createElement('div');
  actions.className = 'review-actions';
  const accept = document.createElement('button');
  accept.type = 'submit';
  accept.value = 'accept';
  accept.textContent = 'Accept the automated codes';
  const correct = document.createElement('button');
  correct.type = 'submit';
  correct.value = 'correct';
  correct.textContent = 'Correct to these codes';
  correct.className = 'primary';
  actions.append(accept, correct);
  if (item.state !== 'pending') {
    // The server accepts only a pending item (409 otherwise): say why the button is off.
    accept.disabled = true;
    const note = document.createElement('p');
    note.className = 'legend-note';
    note.textContent = `This record is ${item.state}: it can be corrected again, not accepted.`;
    actions.append(note);
  }
  fieldset.append(actions);

  const refusal = document.createElement('p');
  refusal.className = 'review-form-error';
  refusal.setAttribute('role', 'alert');
  fieldset.append(refusal);
  form.append(fieldset);
  return form;
}
