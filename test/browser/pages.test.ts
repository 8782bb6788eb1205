// The dashboard's other pages in Chromium against the real server: signing in with real tokens
// and what each role sees, alerts and the series behind one, drug combinations, the review queue,
// an upload dropped on the page with its progress and report, and report downloads.
// Screenshots go to test/browser/screenshots/: look at them.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { permissionsOf } from '../../dashboard/src/session.ts';
import { expectReady, hasChromium, launch, screenshot, serverHas, settled, signIn, tokenFor, watch } from './browser.ts';

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';
// Ohio certificates in the CSV template (DESIGN.md), as certifiers write them: overdoses and one natural death.
const CAUSES = [
  ['A', 'Acute fentanyl toxicity', 'Used illicit drugs'],
  ['A', 'Combined fentanyl and methamphetamine toxicity', 'Ingested drugs'],
  ['A', 'Cocaine intoxication', 'Snorted cocaine'],
  ['N', 'Atherosclerotic cardiovascular disease', ''],
];

/**
 * A batch big enough to show its progress: `records` certificates under new ids, then two that
 * must be rejected (an impossible date, a 4-digit county).
 */
function batchCsv(records: number): { csv: string; good: number } {
  const lines = [HEADER];
  for (let i = 0; i < records; i++) {
    const [manner, cause, how] = CAUSES[i % CAUSES.length]!;
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(`T2024OH${String(i).padStart(7, '0')},OH,2024-02-${day},${25 + (i % 50)},${i % 2 ? 'F' : 'M'},39061,39061,${manner},${cause},,,,,${how}`);
  }
  lines.push('T2024OHBAD0001,OH,2024-02-30,34,M,39061,39061,A,Fentanyl toxicity,,,,,');
  lines.push('T2024OHBAD0002,OH,2024-02-01,34,M,3906,39061,A,Fentanyl toxicity,,,,,');
  return { csv: `${lines.join('\n')}\n`, good: records };
}

describe.skipIf(!hasChromium)('the dashboard’s pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh tab (sessionStorage is per tab: a new one is signed out). */
  async function open(search = ''): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems = watch(page);
    await page.goto(server.url + search);
    return { page, problems };
  }

  async function apiJson<T>(path: string, token?: string): Promise<T> {
    const response = await fetch(new URL(path, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
  }

  test('signing in: a malformed or unknown token is refused and never kept', async () => {
    const { page, problems } = await open();
    await settled(page, ['county-map']);
    await page.fill('#token', 'not a token');
    await page.click('#sign-in button[type="submit"]');
    await expect(page.locator('.sign-in-status').textContent()).resolves.toMatch(/does not look like a vigil API token/);
    await page.fill('#token', `vgl_000000000000_${'x'.repeat(43)}`);
    await page.click('#sign-in button[type="submit"]');
    await expect.poll(() => page.locator('.sign-in-status').textContent()).toMatch(/^The server answered 401: invalid or revoked API token\. Your API token was not accepted/);
    await expect(page.evaluate(() => sessionStorage.getItem('vigil.token'))).resolves.toBeNull();
    await expect(page.locator('#signed-in').isHidden()).resolves.toBe(true);
    // The 401 is the answer being tested, nothing else went wrong.
    expect(problems.filter((p) => !p.startsWith('HTTP 401: ')), problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('the public is sent to sign in for pages that need a role', async () => {
    for (const [view, who] of [['upload', 'an uploader or admin token'], ['review', 'a coder or admin token']] as const) {
      const { page, problems } = await open(`?view=${view}`);
      await page.waitForFunction(() => !document.querySelector('[data-view="forbidden"]')?.hasAttribute('hidden'));
      await expect(page.locator('#forbidden-message').textContent()).resolves.toContain(`needs ${who}. Sign in with one above`);
      await expect(page.locator(`nav.pages a[data-nav="${view}"]`).isHidden()).resolves.toBe(true);
      expect(problems, problems.join('\n')).toEqual([]);
      await page.close();
    }
  });

  test('alerts: the latest run’s list, and the series behind one with its baseline and threshold', async () => {
    const { page, problems } = await open('?view=alerts');
    const hooks = await settled(page, ['alert-table', 'cluster-table']);
    expectReady({ 'alert-table': hooks['alert-table']! });
    const expected = await apiJson<{ alerts: unknown[] }>('/api/alerts?source=all&status=alert,warning&min_observed=3');
    expect(hooks['alert-table']!.rows).toBe(expected.alerts.length);
    // Clusters are for epidemiologists: the public is told so, and the page does not ask.
    expect(hooks['cluster-table']!.state).toBe('empty');
    expect(hooks['cluster-table']!.status).toContain('for epidemiologists and admins');

    const first = page.locator('#alert-table button[data-alert]').first();
    const key = (await first.getAttribute('data-alert'))!;
    await first.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('alert')).toBe(key);
    const series = await settled(page, ['alert-series']);
    await screenshot(page, 'alerts');
    expect(series['alert-series']!.state).toBe('ready');
    const [source, measure, geography, method] = key.split('.');
    const all = await apiJson<{ alerts: { source: string; measure: string; geography: string; method: string; observed: number }[] }>(`/api/alerts?source=${source}&status=alert,warning,none,insufficient&min_observed=0`);
    const behind = all.alerts.filter((a) => a.source === source && a.measure === measure && a.geography === geography && a.method === method);
    expect(series['alert-series']!.rows).toBe(behind.length);
    expect(series['alert-series']!.total).toBe(behind.reduce((s, a) => s + a.observed, 0));
    await expect(page.locator('#alert-series .legend-notes').textContent()).resolves.toContain('Dashed blue: expected');
    await expect(page.locator('#alert-table tr[aria-current] button').getAttribute('data-alert')).resolves.toBe(key);

    // The link opens the same series.
    const shared = await browser.newPage();
    await shared.goto(page.url());
    expect((await settled(shared, ['alert-series']))['alert-series']!.total).toBe(series['alert-series']!.total);
    await shared.close();
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('an epidemiologist sees the clusters and the line-list panel', async () => {
    const { page, problems } = await open();
    const token = await signIn(page, server, 'epidemiologist');
    await page.selectOption('#state', '39');
    const hooks = await settled(page, ['county-map', 'place-series', 'clusters', 'line-list']);
    const clusters = await apiJson<{ clusters: unknown[] }>('/api/clusters', token);
    if (clusters.clusters.length === 0) expect(hooks['clusters']!.status).toBe('No space-time clusters in the latest scan.');
    else expect(hooks['clusters']!.rows).toBe(clusters.clusters.length);
    // The records behind a place: on this server yet, or said to be not.
    if (await serverHas(server, '/api/records?measure=all_overdose&geography=39', token)) expect(hooks['line-list']!.state).toBe('ready');
    else expect(hooks['line-list']!.state).toBe('unavailable');
    await screenshot(page, 'overview-epidemiologist-ohio');
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('ED visits, and both sources side by side', async () => {
    const { page, problems } = await open();
    const token = await signIn(page, server, 'epidemiologist');
    await page.selectOption('#source', 'ed');
    const ed = await settled(page, ['county-map', 'national-series']);
    expectReady(ed);
    const rows = (await apiJson<{ rows: { count: number | null }[] }>('/api/aggregates?format=json&source=ed&measure=all_drug&geography=nation&unit=month', token)).rows;
    expect(ed['national-series']!.total).toBe(rows.reduce((s, r) => s + (r.count ?? 0), 0));
    await expect(page.locator('#county-map figure').first().textContent()).resolves.toContain('ED visits');

    await page.selectOption('#source', 'both');
    const both = await settled(page, ['county-map', 'national-series']);
    await screenshot(page, 'overview-both-sources');
    expectReady(both);
    await expect(page.locator('#national-series figure.time-series').evaluateAll((f) => f.map((x) => (x as HTMLElement).dataset['source']))).resolves.toEqual(['deaths', 'ed']);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('drug combinations: the latest period, the change over time, and the pairs', async () => {
    const { page, problems } = await open('?view=combinations');
    const hooks = await settled(page, ['combination-bars', 'combination-trend', 'combination-matrix']);
    await screenshot(page, 'combinations');
    expectReady(hooks);
    const answer = await apiJson<{ tables: { period: string; combinations: unknown[] }[] }>('/api/combinations?geography=nation&unit=month&from=2024-01&to=2024-04');
    expect(hooks['combination-bars']!.rows).toBe(answer.tables.at(-1)!.combinations.length);
    expect(hooks['combination-trend']!.rows).toBe(answer.tables.length);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('a coder works the review queue: an item’s text, codes and rule trace', async () => {
    const { page, problems } = await open();
    const token = await signIn(page, server, 'coder');
    await page.click('nav.pages a[data-nav="review"]');
    const hooks = await settled(page, ['review-queue']);
    const queue = await apiJson<{ total: number }>('/api/review/queue?limit=50', token);
    expect(hooks['review-queue']!.total).toBe(queue.total);
    const first = page.locator('#review-queue button[data-item]').first();
    const id = (await first.getAttribute('data-item'))!;
    await first.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('item')).toBe(id);
    const item = await settled(page, ['review-item']);
    await screenshot(page, 'review');
    expect(item['review-item']!.state).toBe('ready');
    await expect(page.locator('#review-item details.record').getAttribute('open')).resolves.not.toBeNull();
    await expect(page.locator('#review-item .record-text tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('#review-item .record-codes').textContent()).resolves.toContain('Needs review because');
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('an uploader drops a batch: progress while it goes up and loads, then its per-record report', async () => {
    const { page, problems } = await open();
    const token = await signIn(page, server, 'uploader');
    const before = await apiJson<{ rows: { count: number }[] }>('/api/aggregates?format=json&measure=all_deaths&geography=nation&unit=total', token);
    await page.click('nav.pages a[data-nav="upload"]');
    await page.waitForSelector('#drop-zone');
    // Every step the progress shows, as the page shows it.
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { uploadSteps: seen });
      const progress = document.getElementById('upload-progress')!;
      new MutationObserver(() => seen.push(`${progress.dataset['phase']}|${document.getElementById('upload-detail')!.textContent}`)).observe(progress, { attributes: true, subtree: true, childList: true, characterData: true });
    });
    const { csv, good } = batchCsv(20_000);
    const transfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'ohio-batch.csv', { type: 'text/csv' }));
      return data;
    }, csv);
    await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer: transfer });
    await expect(page.locator('#drop-zone').getAttribute('data-active')).resolves.toBe('true');
    await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: transfer });
    const hooks = await settled(page, ['upload'], 60_000);
    await screenshot(page, 'upload');
    expect(hooks['upload']!.state, hooks['upload']!.status).toBe('ready');

    const steps = (await page.evaluate(() => (window as unknown as { uploadSteps: string[] }).uploadSteps)).map((s) => s.split('|'));
    expect(steps.some(([phase, detail]) => phase === 'sending' && /of [\d.]+ MB sent$/.test(detail!)), 'the upload’s progress').toBe(true);
    expect(steps.at(-1)![0]).toBe('done');
    expect(steps.map(([phase]) => phase).indexOf('done')).toBeGreaterThan(steps.map(([phase]) => phase).indexOf('sending'));

    await expect(page.locator('#upload [data-count="read"]').textContent()).resolves.toBe((good + 2).toLocaleString('en-US'));
    await expect(page.locator('#upload [data-count="loaded"]').textContent()).resolves.toBe(good.toLocaleString('en-US'));
    await expect(page.locator('#upload [data-count="rejected"]').textContent()).resolves.toBe('2');
    const errors = await page.locator('#upload .batch-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(errors.map((e) => e[1])).toEqual(['T2024OHBAD0001', 'T2024OHBAD0002']);
    expect(errors.map((e) => e[0])).toEqual([String(good + 2), String(good + 3)]); // file lines, the header being line 1

    const file = await downloaded(page, () => page.click('#upload-errors'));
    expect(file.name).toMatch(/^b\d{14}-[0-9a-f]{8}-errors\.csv$/);
    expect(file.bytes.toString('utf8').split('\n')[0]).toBe('line,record_id,field,message');

    // The new records count on the overview at once (the cached answers were dropped).
    const after = await apiJson<{ rows: { count: number }[] }>('/api/aggregates?format=json&measure=all_deaths&geography=nation&unit=total', token);
    expect(after.rows[0]!.count).toBe(before.rows[0]!.count + good);
    await page.click('nav.pages a[data-nav="overview"]');
    await page.selectOption('#measure', 'all_deaths');
    const overview = await settled(page, ['national-series']);
    expect(overview['national-series']!.total).toBe(after.rows[0]!.count);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('reports: a preview of a place and period, downloaded as CSV, HTML, Parquet and the server’s report', async () => {
    // The whole of the demo's data (January-April): the public totals of part of a year are withheld whenever one of its months is (public-grid.ts), which in the small demo is most of them.
    const { page, problems } = await open('?view=reports&geo=39&from=2024-01&to=2024-04');
    const hooks = await settled(page, ['report-preview']);
    await screenshot(page, 'reports');
    expectReady(hooks);
    await expect(page.locator('#report-preview h1').textContent()).resolves.toBe('Drug overdose deaths, Ohio, Jan 2024 – Apr 2024');

    const csv = await downloaded(page, () => page.click('#report-csv'));
    expect(csv.name).toBe('vigil-39-2024-01-2024-04.csv');
    const lines = csv.bytes.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('place,place_name,measure,measure_label,period,count,population,rate_per_100k,rate_lower,rate_upper,suppressed,unreliable');
    const total = lines.find((l) => l.startsWith('39,Ohio,all_overdose,All drug overdose deaths,2024-01/2024-04,'))!.split(',');
    const api = await apiJson<{ rows: { count: number | null; suppressed: boolean }[] }>('/api/aggregates?format=json&measure=all_overdose&geography=state&state=39&unit=total&from=2024-01&to=2024-04');
    expect(total[5]).toBe(api.rows[0]!.suppressed ? '' : String(api.rows[0]!.count));
    expect(total[10]).toBe(String(api.rows[0]!.suppressed));

    const html = await downloaded(page, () => page.click('#report-html'));
    expect(html.bytes.toString('utf8')).toContain('<title>Drug overdose deaths, Ohio, Jan 2024 – Apr 2024</title>');
    const parquet = await downloaded(page, () => page.click('#report-parquet'));
    expect(parquet.bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    const report = await downloaded(page, () => page.click('#report-server'));
    expect(report.bytes.toString('utf8')).toMatch(/^<!doctype html>/i);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  });

  test('the pages each role is shown are the ones the server lets it use', async () => {
    const guarded = { upload: '/api/batches', review: '/api/review/queue', clusters: '/api/clusters', unsuppressed: '/api/combinations?geography=state&place=39&unit=quarter' } as const;
    for (const role of ['public', 'uploader', 'coder', 'epidemiologist', 'admin'] as const) {
      const token = role === 'public' ? undefined : await tokenFor(server, role);
      const permissions = permissionsOf(role);
      const shown = { upload: permissions.views.has('upload'), review: permissions.views.has('review'), clusters: permissions.clusters, unsuppressed: permissions.unsuppressed };
      for (const [what, path] of Object.entries(guarded) as [keyof typeof guarded, string][]) {
        const response = await fetch(new URL(path, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
        expect(response.status === 200, `${role} ${what}: server ${response.status}, page ${shown[what] ? 'shows' : 'hides'} it`).toBe(shown[what]);
      }
    }
  });
});
