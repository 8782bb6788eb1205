// The dashboard in a real browser against the real server and a seeded demo database.
// Screenshots land in test-artifacts/ (gitignored): look at them when a chart changes.
import { tableToIPC, Table, vectorFromArray, Utf8, Int32, Float64 } from 'apache-arrow';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer } from '../helpers/test-server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`Skipping the dashboard browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

const PANELS = ['county-map', 'national-series'] as const;

interface PanelHooks {
  state: string;
  rows: number;
  total: number;
  status: string;
}

/** Waits until neither chart is loading, then returns both charts' test hooks. */
async function settled(page: Page): Promise<Record<(typeof PANELS)[number], PanelHooks>> {
  await page.waitForFunction(
    (ids) => ids.every((id) => {
      const state = document.getElementById(id)?.dataset['state'];
      return state !== undefined && state !== 'loading';
    }),
    PANELS,
    { timeout: 20_000 },
  );
  return page.evaluate((ids) => {
    const read = (id: string) => {
      const el = document.getElementById(id)!;
      return {
        state: el.dataset['state'] ?? '',
        rows: Number(el.dataset['rows'] ?? NaN),
        total: Number(el.dataset['total'] ?? NaN),
        status: el.querySelector('[data-role="status"]')?.textContent ?? '',
      };
    };
    return { 'county-map': read(ids[0]), 'national-series': read(ids[1]) };
  }, PANELS);
}

function expectReady(hooks: Record<string, PanelHooks>): void {
  for (const [id, h] of Object.entries(hooks)) {
    expect(h.state, `#${id} is ${h.state}: ${h.status}`).toBe('ready');
    expect(h.rows, `#${id} data-rows`).toBeGreaterThan(0);
    expect(h.total, `#${id} data-total`).toBeGreaterThan(0);
  }
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  let initial: Awaited<ReturnType<typeof settled>>;

  test('draws the county map and the national series', async () => {
    await page.goto(server!.url);
    initial = await settled(page);
    await screenshot(page, 'dashboard-initial');
    expectReady(initial);

    const counties = await page.locator('#county-map path[data-fips]:not([data-value])').count();
    const filled = await page.locator('#county-map path[data-fips][data-value]').count();
    expect(counties, 'every county of the 2017 map is drawn').toBeGreaterThan(3000);
    expect(filled, 'counties shaded with data').toBeGreaterThan(20);
    expect(filled).toBeLessThanOrEqual(initial['county-map'].rows);
    expect(await page.locator('#national-series svg circle').count()).toBeGreaterThan(0);

    await expect(page.locator('#measure').inputValue()).resolves.toBe('all_overdose');
    await expect(page.locator('#data-info').textContent()).resolves.toMatch(/^Data: .+data as of .+ · synthetic demo data, not real deaths$/);
    await expect(page.locator('#error-banner').isHidden()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  test('lists the latest alerts of the detection run the demo made, each with its status in words', async () => {
    await page.goto(server!.url);
    await page.waitForFunction(() => document.querySelector('#alerts')?.getAttribute('data-state') === 'ready', undefined, { timeout: 30_000 });
    const rows = await page.locator('#alerts tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    const statuses = await page.locator('#alerts tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-status'), tr.querySelector('td')?.textContent]));
    for (const [status, text] of statuses) expect(`${status}:${text}`).toMatch(/^(alert:Alert|warning:Warning)$/);
    await expect(page.locator('#alerts [data-role="caption"]').textContent()).resolves.toMatch(/^[\d,]+ alerts and [\d,]+ warnings with at least 3 cases in the latest detection run$/);
    await screenshot(page, 'dashboard-alerts');
    expect(problems).toEqual([]);
  });

  test('changing the measure refetches, redraws both charts and goes into the URL', async () => {
    await page.selectOption('#measure', 'synthetic_opioid');
    const after = await settled(page);
    await screenshot(page, 'dashboard-synthetic-opioid');
    expectReady(after);
    for (const id of PANELS) {
      // Synthetic-opioid deaths are a subset of all overdose deaths.
      expect(after[id].total, `#${id} data-total`).toBeLessThan(initial[id].total);
    }
    const url = new URL(page.url());
    expect(url.searchParams.get('measure')).toBe('synthetic_opioid');
    expect(url.searchParams.get('value')).toBe('count');

    await page.reload();
    const reloaded = await settled(page);
    expectReady(reloaded);
    await expect(page.locator('#measure').inputValue()).resolves.toBe('synthetic_opioid');
    for (const id of PANELS) expect(reloaded[id].total).toBe(after[id].total);
    expect(problems).toEqual([]);
  });

  test('the rate view shades counties by deaths per 100,000', async () => {
    await page.getByLabel('Rate per 100,000').check();
    const rate = await settled(page);
    await screenshot(page, 'dashboard-rate');
    expectReady(rate);
    expect(new URL(page.url()).searchParams.get('value')).toBe('rate');
    await expect(page.locator('#county-map figure').first().textContent()).resolves.toContain('per 100,000');
    expect(problems).toEqual([]);
  });

  test('shows the empty state when no deaths match', async () => {
    const empty = await context.newPage();
    await empty.route('**/api/aggregates?**', (route) =>
      route.fulfill({ status: 200, contentType: 'application/vnd.apache.arrow.stream', body: Buffer.from(emptyAggregates()) }),
    );
    await empty.goto(server!.url);
    const hooks = await settled(empty);
    await screenshot(empty, 'dashboard-empty');
    for (const id of PANELS) {
      expect(hooks[id].state).toBe('empty');
      expect(hooks[id].status).toContain('No deaths match these filters');
    }
    await empty.close();
  });

  test('shows what went wrong and offers a retry when the API fails', async () => {
    const failing = await context.newPage();
    let fail = true;
    await failing.route('**/api/aggregates?**', (route) =>
      fail
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { status: 400, message: 'invalid measure: foo' } }) })
        : route.continue(),
    );
    await failing.goto(server!.url);
    const hooks = await settled(failing);
    await screenshot(failing, 'dashboard-error');
    for (const id of PANELS) expect(hooks[id].state).toBe('error');
    const banner = failing.locator('#error-banner');
    await expect(banner.isVisible()).resolves.toBe(true);
    await expect(banner.textContent()).resolves.toContain('invalid measure: foo');

    fail = false;
    await failing.getByRole('button', { name: 'Retry' }).click();
    expectReady(await settled(failing));
    await expect(banner.isHidden()).resolves.toBe(true);
    await failing.close();
  });
});

/** A zero-row answer in the /api/aggregates schema. */
function emptyAggregates(): Uint8Array {
  return tableToIPC(
    new Table({
      geography: vectorFromArray([], new Utf8()),
      period: vectorFromArray([], new Utf8()),
      deaths: vectorFromArray([], new Int32()),
      population: vectorFromArray([], new Float64()),
      rate_per_100k: vectorFromArray([], new Float64()),
    }),
    'stream',
  );
}
