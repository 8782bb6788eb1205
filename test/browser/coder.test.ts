// A coder's morning in Chromium against the real server and the seeded demo data: sign in with a
// real token, work three records from the top of the review queue (accept two, correct one to
// other codes with a comment), propose the term the lexicon missed, watch the queue shrink by
// three and the agreement figures appear; then the refresh-aggregates job runs in-process and the
// overview's figure for the corrected record's cell (its county, the measure the correction
// changes) moves by exactly one, on the API and on the page. The codes are checked on the page
// before sending and by the server after. Screenshots of every step go to test/browser/screenshots/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMERGING_LIMIT } from '../../dashboard/src/api/review.ts';
import { loadLexicon } from '../../pipeline/coding/lexicon/lexicon.ts';
import { jobNamed } from '../../pipeline/jobs/job-list.ts';
import type { RefreshSummary } from '../../pipeline/jobs/refresh-aggregates.ts';
import { DeathCodeTable } from '../../pipeline/review/death-codes.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { hasChromium, launch, screenshot, settled, signIn, watch } from './browser.ts';

interface QueueAnswer {
  total: number;
  items: { id: string; source: 'deaths' | 'ed'; countyFips: string | null; underlyingCause: string | null; codes: string[]; state: string }[];
}
interface AggregateAnswer {
  rows: { geography: string; count: number | null; suppressed: boolean }[];
}

/** The measure the correction moves: T40.4 added to the record axis of an overdose death. */
const MEASURE = 'synthetic_opioid';
const ADDED = 'T40.4';
const COMMENT = 'FENTYNAL on line I(a) is fentanyl misspelled: T40.4 belongs on the record axis.';

describe.skipIf(!hasChromium)('a coder works the review queue in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = watch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${token}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  /** One county's count over the data's whole extent, as the API answers a coder (unsuppressed). */
  async function countyCount(measure: string, county: string): Promise<number> {
    const answer = await api<AggregateAnswer>(`/api/aggregates?format=json&measure=${measure}&geography=county&state=${county.slice(0, 2)}&unit=total`);
    const row = answer.rows.find((r) => r.geography === county);
    expect(row?.suppressed ?? false, `a coder sees ${county} unsuppressed`).toBe(false);
    return row?.count ?? 0;
  }

  async function cacheCurrent(): Promise<boolean> {
    return (await api<{ aggregateCache: { deaths: { current: boolean } } }>('/api/meta')).aggregateCache.deaths.current;
  }

  /** The overview's figures for the cell: the county's shade on the map and the sum of its series. */
  async function overviewFigures(county: string): Promise<{ map: number; series: number }> {
    await page.goto(`${server.url}/?view=overview&measure=${MEASURE}&geo=${county}`);
    const hooks = await settled(page, ['county-map', 'place-series']);
    expect(hooks['county-map']!.state).toBe('ready');
    expect(hooks['place-series']!.state).toBe('ready');
    const path = page.locator(`#county-map path[data-fips="${county}"]`);
    expect(await path.getAttribute('data-suppressed')).toBeNull();
    return { map: Number((await path.getAttribute('data-value')) ?? 0), series: hooks['place-series']!.total };
  }

  /** The record open on the review page, once it is drawn. */
  async function openItem(): Promise<string> {
    const hooks = await settled(page, ['review-item']);
    expect(hooks['review-item']!.state, hooks['review-item']!.status).toBe('ready');
    return (await page.locator('#review-item .review-item').getAttribute('data-item'))!;
  }

  /** After a decision: the outcome names the item, and the next record is open (not the one decided). */
  async function decided(itemId: string): Promise<void> {
    await page.waitForFunction((id) => document.querySelector('#review-outcome')?.querySelector(`[data-item="${id}"]`) !== null, itemId, { timeout: 20_000 });
    await page.waitForFunction((id) => {
      const open = document.querySelector('#review-item .review-item');
      const panel = document.getElementById('review-item');
      return panel?.dataset['state'] === 'ready' && open !== null && open.getAttribute('data-item') !== id;
    }, itemId, { timeout: 20_000 });
  }

  test('sign in, work three records (accept two, correct one), the queue shrinks by three, the refreshed aggregate shows the correction', async () => {
    await page.goto(server.url);
    token = await signIn(page, server, 'coder');

    // The aggregate cache current before anything changes: the "before" figures are the cache's.
    const refresh = jobNamed('refresh-aggregates')!;
    await refresh.run(server.runtime);
    expect(await cacheCurrent()).toBe(true);

    const queue = await api<QueueAnswer>('/api/review/queue?limit=25');
    const three = queue.items.slice(0, 3);
    expect(three).toHaveLength(3);
    expect(three.every((i) => i.state === 'pending')).toBe(true);
    // The seeded demo's queue opens with a death whose "FENTYNAL TOXICITY" matched nothing: the one to correct.
    const toCorrect = three.find((i) => i.source === 'deaths')!;
    expect(toCorrect, 'a death among the first three of the queue').toBeDefined();
    expect(toCorrect.codes).not.toContain(ADDED);
    expect(toCorrect.underlyingCause, 'an overdose underlying cause, so the drug measures count it').toMatch(/^X4[0-4]$|^X6[0-4]$|^X85$|^Y1[0-4]$/);
    const county = toCorrect.countyFips!;
    const corrected = [...toCorrect.codes, ADDED];

    const before = { measure: await countyCount(MEASURE, county), overdose: await countyCount('all_overdose', county) };
    expect(await overviewFigures(county)).toEqual({ map: before.measure, series: before.measure });
    await screenshot(page, 'coder-01-overview-before');

    await page.click('nav.pages a[data-nav="review"]');
    const listed = await settled(page, ['review-queue', 'review-agreement', 'review-emerging']);
    expect(listed['review-queue']!.total).toBe(queue.total);
    expect(listed['review-agreement']!.state, 'no decisions yet').toBe('empty');
    expect(listed['review-agreement']!.status).toContain('No decisions yet');
    await screenshot(page, 'coder-02-queue');

    await page.locator(`#review-queue button[data-item="${three[0]!.id}"]`).click();
    expect(await openItem()).toBe(three[0]!.id);
    await screenshot(page, 'coder-03-first-record');

    // The form is reached in reading order by the keyboard, and the focus is visible.
    const fields = toCorrect === three[0] ? ['review-underlying-cause', 'review-codes', 'review-comment'] : ['review-codes', 'review-comment'];
    await page.focus(`#${fields[0]}`);
    for (const next of fields.slice(1)) {
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(next);
    }
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLButtonElement).value)).resolves.toBe('accept');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as HTMLButtonElement).value)).resolves.toBe('correct');
    await expect(page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).resolves.not.toBe('none');

    // One acceptance by its button, the other with Enter.
    let accepted = 0;
    for (const [index, item] of three.entries()) {
      expect(await openItem(), `record ${index + 1} is open`).toBe(item.id);
      if (item === toCorrect) {
        // Checked on the page first: a code of the wrong shape is named and nothing is sent.
        await page.fill('#review-codes', [...item.codes, 'T404'].join(', '));
        await page.fill('#review-comment', COMMENT);
        await page.click('#review-item button[value="correct"]');
        await expect(page.locator('#review-codes-error').textContent()).resolves.toContain('“T404” is not a WHO ICD-10 code');
        await expect(page.locator('#review-codes').getAttribute('aria-invalid')).resolves.toBe('true');
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('review-codes');
        // Then by the server, against its code table: its own words, beside the form.
        const unknown = ['U99.9', 'Q99.9', 'B99.9', 'P99.9', 'W99.9'].find((c) => !new DeathCodeTable(loadLexicon()).has(c))!;
        await page.fill('#review-codes', [...item.codes, unknown].join(', '));
        await page.click('#review-item button[value="correct"]');
        await expect.poll(() => page.locator('#review-codes-error').textContent()).toContain(`The server refused this correction: invalid multipleCauses[${item.codes.length}]: "${unknown}" is not in vigil's death code table`);
        await screenshot(page, 'coder-04-correction-refused');
        expect((await api<QueueAnswer>('/api/review/queue?limit=1')).total, 'nothing was recorded').toBe(queue.total);
        // The real correction, sent with Enter from the comment (the codes changed, so Enter corrects).
        await page.fill('#review-codes', corrected.join(', '));
        await page.focus('#review-comment');
        await page.keyboard.press('Enter');
        await decided(item.id);
        await expect(page.locator('#review-outcome .review-outcome-message').textContent()).resolves.toContain(`Corrected ${item.id} from ${item.underlyingCause} [${item.codes.join(', ')}] to ${item.underlyingCause} [${corrected.join(', ')}]`);
        // From the correction, the term the lexicon missed: the flagged words and the added code are offered.
        await expect(page.locator('#propose-term').inputValue()).resolves.toBe('fentynal toxicity');
        await expect(page.locator('#propose-code').inputValue()).resolves.toBe(ADDED);
        await page.fill('#propose-term', 'fentynal');
        await page.fill('#propose-comment', 'a common misspelling of fentanyl');
        await page.click('#review-outcome form.review-propose button[type="submit"]');
        await expect.poll(() => page.locator('#review-outcome .review-propose-result').textContent()).toMatch(/^Proposed “fentynal” → T40\.4 \(proposal \d+\): waiting for an admin/);
        await screenshot(page, `coder-05-record-${index + 1}-corrected`);
      } else if (accepted++ === 0) {
        await page.click('#review-item button[value="accept"]');
        await decided(item.id);
        await expect(page.locator('#review-outcome .review-outcome-message').textContent()).resolves.toContain(`Accepted ${item.id} as coded`);
        await screenshot(page, `coder-05-record-${index + 1}-accepted`);
      } else {
        // Enter with the codes as coded accepts, with the comment.
        await page.fill('#review-comment', 'codes checked against the text');
        await page.keyboard.press('Enter');
        await decided(item.id);
        await expect(page.locator('#review-outcome .review-outcome-message').textContent()).resolves.toContain(`Accepted ${item.id} as coded`);
        await screenshot(page, `coder-05-record-${index + 1}-accepted`);
      }
    }

    // Three records left the queue, on the page and on the server; the agreement counts them.
    const after = await settled(page, ['review-queue', 'review-agreement']);
    const queueAfter = await api<QueueAnswer>('/api/review/queue?limit=25');
    expect(queueAfter.total).toBe(queue.total - 3);
    expect(after['review-queue']!.total).toBe(queue.total - 3);
    expect(queueAfter.items.map((i) => i.id)).not.toContain(three[0]!.id);
    expect(await openItem()).toBe(queueAfter.items[0]!.id);
    const agreement = await api<{ overall: { decisions: number; agreed: number; accepted: number; corrected: number; percent: number } }>('/api/review/agreement');
    expect(agreement.overall).toEqual({ decisions: 3, agreed: 2, accepted: 2, corrected: 1, percent: 66.7 });
    expect(after['review-agreement']!.total).toBe(3);
    await expect(page.locator('#review-agreement .agreement-overall').textContent()).resolves.toContain('Coders agreed with the automation on 2 of 3 decisions (66.7%): 2 accepted, 1 corrected.');
    await expect(page.locator(`#review-agreement .agreement-codes tr[data-code="${ADDED}"] td`).allTextContents()).resolves.toEqual(['T40.4', '1', '0', '0', '1', ' 0.0%']);
    await screenshot(page, 'coder-06-queue-after');

    // The server kept the correction as a new coding version, the automated one retired.
    const item = await api<{ state: string; coding: { recordAxis: string[]; coder: string }; codings: unknown[]; decisions: { decision: string; comment: string }[] }>(`/api/review/items/${toCorrect.id}`);
    expect(item.state).toBe('corrected');
    expect(item.coding.recordAxis).toEqual(corrected);
    expect(item.coding.coder).toMatch(/^human:/);
    expect(item.codings).toHaveLength(2);
    expect(item.decisions.map((d) => [d.decision, d.comment])).toEqual([['correct', COMMENT]]);
    const proposals = await api<{ proposals: { term: string; code: string; origin: string; decision_id: string }[] }>('/api/lexicon/proposals');
    expect(proposals.proposals.map((p) => [p.term, p.code, p.origin])).toEqual([['fentynal', ADDED, 'correction']]);

    // The refresh brings the aggregate cache up to date with the correction (the month it touched).
    expect(await cacheCurrent(), 'the correction made the cache stale').toBe(false);
    const summary = (await refresh.run(server.runtime)) as RefreshSummary;
    expect(summary.deaths.mode).toBe('months');
    expect(await cacheCurrent()).toBe(true);
    const afterCounts = { measure: await countyCount(MEASURE, county), overdose: await countyCount('all_overdose', county) };
    expect(afterCounts).toEqual({ measure: before.measure + 1, overdose: before.overdose });
    expect(await overviewFigures(county)).toEqual({ map: before.measure + 1, series: before.measure + 1 });
    await screenshot(page, 'coder-07-overview-after');
    // The one refusal asked for above is the only answer that was not a success.
    expect(problems, problems.join('\n')).toEqual([`HTTP 400: ${new URL(`/api/review/items/${toCorrect.id}/decision`, server.url).toString()}`]);
    problems.length = 0;
  });

  test('emerging substances: a word proposed in one click, then marked as waiting for an admin', async () => {
    await page.goto(`${server.url}/?view=review`);
    const hooks = await settled(page, ['review-emerging']);
    const report = await api<{ tokens: { token: string; recent: number; proposal: { body: { code: string } }; pendingProposal: string | null }[] }>(`/api/review/emerging?limit=${EMERGING_LIMIT}`);
    expect(hooks['review-emerging']!.rows).toBe(report.tokens.length);
    expect(hooks['review-emerging']!.total).toBe(report.tokens.reduce((s, t) => s + t.recent, 0));
    const word = report.tokens.find((t) => t.pendingProposal === null)!;
    expect(word, 'a word not yet proposed').toBeDefined();
    const button = page.locator(`#review-emerging tr[data-token="${word.token}"] button[data-propose]`);
    await button.focus();
    await page.keyboard.press('Enter');
    const done = page.locator(`#review-emerging tr[data-token="${word.token}"] .review-proposed`);
    await expect.poll(() => done.textContent()).toMatch(new RegExp(`^Proposed as ${word.proposal.body.code.replace('.', '\\.')} \\(proposal \\d+\\): waiting for an admin\\.$`));
    await expect(page.evaluate(() => document.activeElement?.classList.contains('review-proposed'))).resolves.toBe(true);
    await screenshot(page, 'coder-08-emerging-proposed');
    const pending = await api<{ proposals: { term: string; origin: string }[] }>('/api/lexicon/proposals');
    expect(pending.proposals.filter((p) => p.term === word.token).map((p) => p.origin)).toEqual(['emerging']);
    // The server marks it from now on.
    const again = await api<{ tokens: { token: string; pendingProposal: string | null }[] }>(`/api/review/emerging?limit=${EMERGING_LIMIT}`);
    expect(again.tokens.find((t) => t.token === word.token)?.pendingProposal).toMatch(/^\d+$/);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
