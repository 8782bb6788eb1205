// The coders' review page: the queue (records the automation was unsure of, highest surveillance
// impact first), the record opened from it (its text, codes, rule trace and why it is here) with
// the decision form: Accept, or Correct with codes and a comment. A decision takes the record out
// of the queue and opens the next one; what it did stays on top, and after a correction of a
// death the coder may propose the term the lexicon missed. Beside them: emerging substances
// (unknown words in overdose context, one click to propose) and how often coders agree with the
// automation, per reason and per code.
import { ApiError, isNotAvailable, messageOf } from '../api/http.ts';
import { fetchReviewQueue, type QueueItem, type QueuePage } from '../api/records.ts';
import {
  codeShapeProblem,
  codesChanged,
  decisionBody,
  EMERGING_LIMIT,
  fetchAgreement,
  fetchEmerging,
  fetchReviewItemDetail,
  parseCodeList,
  postDecision,
  proposalFromCorrection,
  proposeTerm,
  Refusal,
  type AgreementReport,
  type EmergingReport,
  type FieldProblem,
  type ReviewItemDetail,
} from '../api/review.ts';
import { reviewAgreement } from '../charts/review-agreement.ts';
import { DECISION_FIELDS, reviewDecisionForm } from '../charts/review-decision.ts';
import { reviewEmerging } from '../charts/review-emerging.ts';
import { reviewItem } from '../charts/review-item.ts';
import { reviewOutcome, type DecisionOutcome } from '../charts/review-outcome.ts';
import { reviewQueue } from '../charts/review-queue.ts';
import { attempt, type AppContext, type View } from '../context.ts';
import { formatCount } from '../format.ts';
import { Panel } from '../panel.ts';
import type { Route } from '../route.ts';
import { failed } from './overview-draw.ts';
import { settle } from './overview.ts';

const PAGE = 25;

type Settled<T> = PromiseSettledResult<T>;

/** The record to open after deciding `decided`: the one after it in the queue as shown, else null (then the first of the new queue). */
export function nextItemId(items: readonly QueueItem[], decided: string): string | null {
  const index = items.findIndex((i) => i.id === decided);
  return index < 0 ? null : (items[index + 1]?.id ?? null);
}

/**
 * A panel the page has no markup for yet (index.html holds the queue and the record): built here
 * the same way, so it has the same states and test hooks.
 */
function panelSection(document: Document, id: string, title: string): HTMLElement {
  const existing = document.getElementById(id);
  if (existing) return existing;
  const section = document.createElement('section');
  section.id = id;
  section.className = 'panel panel-wide';
  section.dataset['state'] = 'loading';
  section.setAttribute('aria-busy', 'true');
  section.setAttribute('aria-labelledby', `${id}-title`);
  const h2 = document.createElement('h2');
  h2.id = `${id}-title`;
  h2.textContent = title;
  const caption = document.createElement('p');
  caption.className = 'caption';
  caption.dataset['role'] = 'caption';
  const chart = document.createElement('div');
  chart.className = 'chart';
  chart.dataset['role'] = 'chart';
  const status = document.createElement('p');
  status.className = 'status';
  status.dataset['role'] = 'status';
  status.setAttribute('role', 'status');
  status.textContent = 'Loading…';
  section.append(h2, caption, chart, status);
  return section;
}

export class ReviewView implements View {
  private readonly queue: Panel;
  private readonly item: Panel;
  private readonly agreement: Panel;
  private readonly emerging: Panel;
  /** What the last decision did (and the term form after a correction), above the record. */
  private readonly outcomeBox: HTMLElement;
  private generation = 0;
  private last: { route: Route; page: Settled<QueuePage>; item: Settled<ReviewItemDetail> | null; agreement: Settled<AgreementReport> } | null = null;
  private emergingReport: Settled<EmergingReport> | null = null;
  private emergingStarted = false;
  /** Emerging words proposed from this page: token → the server's answer in words. */
  private readonly proposed = new Map<string, { ok: boolean; text: string }>();
  private outcome: DecisionOutcome | null = null;
  private proposalAnswer: { ok: boolean; text: string } | null = null;
  /** A decision, or a proposal, on its way: a second click waits for the answer. */
  private deciding = false;
  private proposing = false;
  /** After a decision on the last record shown: open the first of the queue once it is read again. */
  private openFirst = false;

  constructor(private readonly ctx: AppContext) {
    const { document } = ctx;
    this.queue = Panel.of(document, 'review-queue');
    this.item = Panel.of(document, 'review-item');
    const view = this.item.element.parentElement!;
    this.outcomeBox = document.getElementById('review-outcome') ?? document.createElement('section');
    if (!this.outcomeBox.isConnected) {
      this.outcomeBox.id = 'review-outcome';
      this.outcomeBox.className = 'review-outcome';
      this.outcomeBox.setAttribute('aria-live', 'polite');
      this.outcomeBox.setAttribute('aria-label', 'Your last decision');
      this.outcomeBox.hidden = true;
      view.insertBefore(this.outcomeBox, this.item.element);
    }
    const emerging = panelSection(document, 'review-emerging', 'Emerging substances: words the lexicon does not know, in overdose context');
    const agreement = panelSection(document, 'review-agreement', 'Agreement between coders and the automation');
    if (!emerging.isConnected) view.append(emerging);
    if (!agreement.isConnected) view.append(agreement);
    this.emerging = new Panel(emerging);
    this.agreement = new Panel(agreement);

    this.queue.chart.addEventListener('click', (event) => {
      const id = (event.target as Element).closest<HTMLElement>('[data-item]')?.dataset['item'];
      if (id) ctx.navigate({ item: id });
    });
    // Enter in a field records the decision the codes say: Accept while they are the automation's, Correct once changed.
    this.item.chart.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.isComposing) return;
      const input = event.target instanceof HTMLInputElement ? event.target : null;
      const form = input?.closest<HTMLFormElement>('form.review-decision');
      const item = this.openItem();
      if (!form || !item) return;
      event.preventDefault();
      const decision = codesChanged(item, this.value(form, 'underlyingCause'), this.value(form, 'codes')) ? 'correct' : 'accept';
      const button = form.querySelector<HTMLButtonElement>(`button[value="${decision}"]`)!;
      if (button.disabled) {
        this.refuse(form, { field: null, message: `This record is ${item.state}: change the codes, then press Enter (or Correct) to correct it again.` });
        return;
      }
      form.requestSubmit(button);
    });
    this.item.chart.addEventListener('submit', (event) => {
      const form = (event.target as Element).closest<HTMLFormElement>('form.review-decision');
      if (!form) return;
      event.preventDefault();
      const value = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
      void this.decide(form, value === 'accept' ? 'accept' : 'correct');
    });
    this.outcomeBox.addEventListener('submit', (event) => {
      const form = (event.target as Element).closest<HTMLFormElement>('form.review-propose');
      if (!form) return;
      event.preventDefault();
      void this.proposeFromCorrection(form);
    });
    this.outcomeBox.addEventListener('click', (event) => {
      if (!(event.target as Element).closest('[data-dismiss]')) return;
      this.outcome = null;
      this.drawOutcome();
      this.item.element.focus({ preventScroll: true });
    });
    this.emerging.chart.addEventListener('click', (event) => {
      const token = (event.target as Element).closest<HTMLElement>('[data-propose]')?.dataset['propose'];
      if (token) void this.proposeEmerging(token);
    });
  }

  show(route: Route): void {
    this.ctx.guard(async () => {
      const generation = ++this.generation;
      this.queue.loading();
      this.agreement.loading();
      // The record panel shows only when a record is open.
      this.item.hidden = route.item === null;
      if (route.item) this.item.loading();
      else this.item.empty('', 'Choose “Open” on a record to read its text, codes and rule trace, and to accept or correct it.');
      if (!this.emergingStarted) this.loadEmerging();
      // The queue and the agreement change as coders work: read afresh each time, never from the cache.
      const [page, item, agreement] = await Promise.all([
        settle(fetchReviewQueue(this.ctx.http, PAGE)),
        route.item ? settle(fetchReviewItemDetail(this.ctx.http, route.item)) : Promise.resolve(null),
        settle(fetchAgreement(this.ctx.http)),
      ]);
      if (generation !== this.generation) return;
      if (this.openFirst && route.item === null && page.status === 'fulfilled' && page.value.items.length > 0) {
        this.openFirst = false;
        this.ctx.navigate({ item: page.value.items[0]!.id }, { replace: true });
        return;
      }
      this.openFirst = false;
      this.last = { route, page, item, agreement };
      this.drawQueue();
      this.drawAgreement();
      this.drawOutcome();
      this.drawItem();
    });
  }

  /** Nothing here depends on the width: the tables reflow. The form is never rebuilt (it may hold typing). */
  redraw(): void {
    if (!this.last) return;
    this.drawQueue();
    this.drawAgreement();
    this.drawEmerging();
  }

  private openItem(): ReviewItemDetail | null {
    const item = this.last?.item;
    return item?.status === 'fulfilled' ? item.value : null;
  }

  private drawQueue(): void {
    const { route, page } = this.last!;
    const countyName = (fips: string) => this.ctx.countyName(fips);
    if (page.status === 'rejected') failed(this.queue, page.reason);
    else if (page.value.items.length === 0) this.queue.empty('', 'The review queue is empty: every record is coded with confidence or decided. New uploads add to it.');
    else {
      const table = attempt((m) => this.queue.error(m), () => reviewQueue({ items: page.value.items, countyName, selected: route.item }));
      const { total, items } = page.value;
      if (table) this.queue.ready(table, `${formatCount(total)} records waiting, highest surveillance impact first${total > items.length ? `; the first ${items.length} here` : ''}`, { rows: items.length, total });
    }
  }

  private drawItem(): void {
    const { route, item } = this.last!;
    if (!item || !route.item) return;
    if (item.status === 'rejected') {
      const reason = item.reason;
      if (reason instanceof ApiError && reason.status === 404 && !isNotAvailable(reason)) {
        this.item.empty('', `${route.item} is not in the review queue any more: a coder decided it, or its certificate or visit was amended. Choose another record from the queue below.`);
      } else failed(this.item, reason);
      return;
    }
    const detail = item.value;
    const content = attempt((m) => this.item.error(m), () => {
      const root = document.createElement('div');
      root.className = 'review-open';
      root.append(reviewItem({ item: detail, countyName: (fips) => this.ctx.countyName(fips) }), reviewDecisionForm({ item: detail }));
      return root;
    });
    if (!content) return;
    this.item.ready(content, `${detail.record.id} (review item ${detail.id})`, { rows: 1, total: 1 });
    // The record opens above the queue: bring it (and the keyboard's focus) to it.
    this.item.element.focus({ preventScroll: true });
    (this.outcome ? this.outcomeBox : this.item.element).scrollIntoView({ block: 'start' });
  }

  private drawAgreement(): void {
    const { agreement } = this.last!;
    if (agreement.status === 'rejected') failed(this.agreement, agreement.reason);
    else if (agreement.value.overall.decisions === 0) this.agreement.empty('', 'No decisions yet: how often coders agree with the automation shows here once records are accepted or corrected.');
    else {
      const content = attempt((m) => this.agreement.error(m), () => reviewAgreement({ report: agreement.value }));
      const { overall } = agreement.value;
      if (content) this.agreement.ready(content, `${formatCount(overall.decisions)} decisions, the latest per coding reviewed; simple percent agreement, not chance-corrected`, { rows: agreement.value.byReason.length, total: overall.decisions });
    }
  }

  private loadEmerging(): void {
    this.emergingStarted = true;
    this.emerging.loading();
    void settle(fetchEmerging(this.ctx.http)).then((report) => {
      this.emergingReport = report;
      // A failure may be passing (the server restarting): the next visit to the page asks again.
      if (report.status === 'rejected') this.emergingStarted = false;
      this.drawEmerging();
    });
  }

  private drawEmerging(): void {
    const report = this.emergingReport;
    if (!report) return;
    if (report.status === 'rejected') {
      failed(this.emerging, report.reason);
      return;
    }
    const { tokens, periods } = report.value;
    if (tokens.length === 0) {
      this.emerging.empty('', `No emerging words: nothing the lexicon does not know was in enough overdose-context records from ${periods.recentFrom} on. Look again after the next upload.`);
      return;
    }
    const content = attempt((m) => this.emerging.error(m), () => reviewEmerging({ report: report.value, proposed: this.proposed }));
    const caption = tokens.length === EMERGING_LIMIT ? `The ${tokens.length} fastest-growing words` : `${tokens.length} word${tokens.length === 1 ? '' : 's'}, fastest growing first`;
    if (content) this.emerging.ready(content, caption, { rows: tokens.length, total: tokens.reduce((s, t) => s + t.recent, 0) });
  }

  private drawOutcome(): void {
    const box = this.outcomeBox;
    if (!this.outcome) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const body = reviewOutcome(this.outcome);
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'link-button';
    dismiss.dataset['dismiss'] = '';
    dismiss.textContent = 'Dismiss';
    body.querySelector('.review-outcome-message')?.append(' ', dismiss);
    box.replaceChildren(body);
    box.hidden = false;
    box.dataset['decision'] = this.outcome.decision;
    if (this.proposalAnswer) this.showProposalAnswer(box.querySelector<HTMLFormElement>('form.review-propose'), this.proposalAnswer);
  }

  private value(form: HTMLFormElement, field: keyof typeof DECISION_FIELDS): string {
    return form.querySelector<HTMLInputElement>(`#${DECISION_FIELDS[field]}`)?.value ?? '';
  }

  /** Marks each field with its problem (or the form with the server's words) and puts the focus on the first. */
  private refuse(form: HTMLFormElement, ...problems: { field: FieldProblem['field'] | null; message: string }[]): void {
    let first: HTMLElement | null = null;
    const general: string[] = [];
    for (const problem of problems) {
      const input = problem.field ? form.querySelector<HTMLInputElement>(`#${DECISION_FIELDS[problem.field]}`) : null;
      if (!input) {
        general.push(problem.message);
        continue;
      }
      input.setAttribute('aria-invalid', 'true');
      const error = form.querySelector<HTMLElement>(`#${input.id}-error`)!;
      error.textContent = problem.message;
      error.hidden = false;
      first ??= input;
    }
    form.querySelector('.review-form-error')!.textContent = general.join(' ');
    if (first) first.focus();
    else form.querySelector<HTMLButtonElement>('button[value="correct"]')?.focus();
  }

  private clearProblems(form: HTMLFormElement): void {
    for (const input of Array.from(form.querySelectorAll('input[aria-invalid]'))) input.removeAttribute('aria-invalid');
    for (const error of Array.from(form.querySelectorAll<HTMLElement>('.field-error'))) {
      error.textContent = '';
      error.hidden = true;
    }
    form.querySelector('.review-form-error')!.textContent = '';
  }

  private async decide(form: HTMLFormElement, decision: 'accept' | 'correct'): Promise<void> {
    const item = this.openItem();
    if (this.deciding || !item || form.dataset['item'] !== item.id) return;
    this.clearProblems(form);
    const built = decisionBody({ decision, source: item.source, version: item.version, underlyingCause: this.value(form, 'underlyingCause'), codes: this.value(form, 'codes'), comment: this.value(form, 'comment') });
    if (built.body === null) {
      this.refuse(form, ...built.problems);
      return;
    }
    const body = built.body;
    this.deciding = true;
    const buttons = Array.from(form.querySelectorAll<HTMLButtonElement>('button'));
    const enabled = buttons.map((b) => !b.disabled);
    for (const b of buttons) b.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const result = await postDecision(this.ctx.http, item.id, body);
      // A correction changes the counts: the answers the page keeps are out of date.
      this.ctx.cache.clear();
      const before = { underlyingCause: item.record.underlyingCause, codes: item.record.codes };
      const after =
        'underlyingCause' in body
          ? { underlyingCause: body.underlyingCause, codes: [...new Set([body.underlyingCause, ...body.multipleCauses])] }
          : 'codes' in body
            ? { underlyingCause: null, codes: body.codes }
            : before;
      const next = this.last?.page.status === 'fulfilled' ? nextItemId(this.last.page.value.items, item.id) : null;
      this.outcome = {
        itemId: item.id,
        source: item.source,
        decision: result.decision,
        decisionId: result.decisionId,
        before,
        after,
        proposal: result.decision === 'correct' && item.source === 'deaths' ? proposalFromCorrection(item.reasons, before.codes, after.codes) : null,
        leftQueue: item.state === 'pending',
        next,
      };
      this.proposalAnswer = null;
      this.openFirst = next === null;
      this.ctx.navigate({ item: next });
    } catch (error) {
      buttons.forEach((b, i) => (b.disabled = !enabled[i]));
      if (error instanceof Refusal) this.refuse(form, { field: error.field, message: `The server refused this ${decision === 'accept' ? 'acceptance' : 'correction'}: ${error.message}` });
      else this.refuse(form, { field: null, message: `The decision was not recorded. ${messageOf(error)}` });
    } finally {
      form.removeAttribute('aria-busy');
      this.deciding = false;
    }
  }

  private showProposalAnswer(form: HTMLFormElement | null, answer: { ok: boolean; text: string }): void {
    if (!form) return;
    const result = form.querySelector<HTMLElement>('.review-propose-result')!;
    result.textContent = answer.text;
    result.dataset['ok'] = String(answer.ok);
    if (answer.ok) for (const control of Array.from(form.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button'))) control.disabled = true;
  }

  private async proposeFromCorrection(form: HTMLFormElement): Promise<void> {
    const outcome = this.outcome;
    if (!outcome || this.proposing) return;
    const read = (id: string) => form.querySelector<HTMLInputElement>(`#${id}`)!;
    const term = read('propose-term').value.trim();
    const code = parseCodeList(read('propose-code').value);
    const comment = read('propose-comment').value.trim();
    const problem = term === '' ? { input: 'propose-term', text: 'Write the term as certifiers write it.' } : code.length !== 1 ? { input: 'propose-code', text: 'Give one WHO ICD-10 code.' } : codeShapeProblem('deaths', code[0]!) ? { input: 'propose-code', text: `${codeShapeProblem('deaths', code[0]!)}.` } : null;
    if (problem) {
      this.showProposalAnswer(form, { ok: false, text: problem.text });
      read(problem.input).focus();
      return;
    }
    this.proposing = true;
    try {
      const proposal = await proposeTerm(this.ctx.http, { term, code: code[0]!, comment: comment || null, decisionId: outcome.decisionId });
      this.proposalAnswer = { ok: true, text: `Proposed “${proposal.term}” → ${proposal.code} (proposal ${proposal.proposalId}): waiting for an admin to approve it.` };
    } catch (error) {
      this.proposalAnswer = { ok: false, text: error instanceof Refusal ? `The server refused the term: ${error.message}` : `The term was not proposed. ${messageOf(error)}` };
    } finally {
      this.proposing = false;
    }
    this.showProposalAnswer(form, this.proposalAnswer);
    if (!this.proposalAnswer.ok) read('propose-term').focus();
  }

  private async proposeEmerging(token: string): Promise<void> {
    const report = this.emergingReport?.status === 'fulfilled' ? this.emergingReport.value : null;
    const entry = report?.tokens.find((t) => t.token === token);
    if (!entry || this.proposing) return;
    this.proposing = true;
    const button = this.emerging.chart.querySelector<HTMLButtonElement>(`button[data-propose="${CSS.escape(token)}"]`);
    if (button) button.disabled = true;
    try {
      const proposal = await proposeTerm(this.ctx.http, entry.proposal);
      this.proposed.set(token, { ok: true, text: `Proposed as ${proposal.code} (proposal ${proposal.proposalId}): waiting for an admin.` });
    } catch (error) {
      this.proposed.set(token, { ok: false, text: error instanceof Refusal ? `The server refused it: ${error.message}` : `Not proposed. ${messageOf(error)}` });
    } finally {
      this.proposing = false;
    }
    this.drawEmerging();
    // The button is gone (or back with the error): keep the keyboard's place in the row.
    const row = this.emerging.chart.querySelector<HTMLElement>(`tr[data-token="${CSS.escape(token)}"]`);
    const target = row?.querySelector<HTMLElement>('button[data-propose], .review-proposed');
    if (target) {
      if (!(target instanceof HTMLButtonElement)) target.tabIndex = -1;
      target.focus();
    }
  }
}
