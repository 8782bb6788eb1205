// The coders' review queue: records the automation was unsure of, highest surveillance impact
// first, each with why; the one opened shows its text, its codes and the rule trace. (Deciding
// an item, POST /api/review/items/:id/decision, is not on this page yet.)
import { fetchReviewItem, fetchReviewQueue, type CodedRecord, type QueuePage } from '../api/records.ts';
import { recordEntry } from '../charts/record-list.ts';
import { reviewQueue } from '../charts/review-queue.ts';
import { attempt, type AppContext, type View } from '../context.ts';
import { formatCount } from '../format.ts';
import { Panel } from '../panel.ts';
import type { Route } from '../route.ts';
import { failed } from './overview-draw.ts';
import { settle } from './overview.ts';

const PAGE = 25;

export class ReviewView implements View {
  private readonly queue: Panel;
  private readonly item: Panel;
  private generation = 0;
  private last: { route: Route; page: PromiseSettledResult<QueuePage>; item: PromiseSettledResult<CodedRecord> | null } | null = null;

  constructor(private readonly ctx: AppContext) {
    this.queue = Panel.of(ctx.document, 'review-queue');
    this.item = Panel.of(ctx.document, 'review-item');
    this.queue.chart.addEventListener('click', (event) => {
      const id = (event.target as Element).closest<HTMLElement>('[data-item]')?.dataset['item'];
      if (id) ctx.navigate({ item: id });
    });
  }

  show(route: Route): void {
    this.ctx.guard(async () => {
      const generation = ++this.generation;
      this.queue.loading();
      // The record panel shows only when a record is open.
      this.item.hidden = route.item === null;
      if (route.item) this.item.loading();
      else this.item.empty('', 'Choose “Open” on a record to read its text, codes and rule trace.');
      // The queue changes as coders work: read afresh each time, never from the cache.
      const [page, item] = await Promise.all([settle(fetchReviewQueue(this.ctx.http, PAGE)), route.item ? settle(fetchReviewItem(this.ctx.http, route.item)) : Promise.resolve(null)]);
      if (generation !== this.generation) return;
      this.last = { route, page, item };
      this.redraw();
    });
  }

  redraw(): void {
    if (!this.last) return;
    const { route, page, item } = this.last;
    const countyName = (fips: string) => this.ctx.countyName(fips);
    if (page.status === 'rejected') failed(this.queue, page.reason);
    else if (page.value.items.length === 0) this.queue.empty('', 'The review queue is empty: every record is coded with confidence.');
    else {
      const table = attempt((m) => this.queue.error(m), () => reviewQueue({ items: page.value.items, countyName, selected: route.item }));
      const { total, items } = page.value;
      if (table) this.queue.ready(table, `${formatCount(total)} records waiting, highest surveillance impact first${total > items.length ? `; the first ${items.length} here` : ''}`, { rows: items.length, total });
    }
    if (!item) return;
    if (item.status === 'rejected') failed(this.item, item.reason);
    else {
      this.item.ready(recordEntry(item.value, countyName, true), `${item.value.id} (review item ${route.item})`, { rows: 1, total: 1 });
      // The record opens above the queue: bring it (and the keyboard's focus) to it.
      this.item.element.focus({ preventScroll: true });
      this.item.element.scrollIntoView({ block: 'start' });
    }
  }
}
