// The overview in Chromium against the real server and a seeded demo database, as the public
// sees it: the map, the series, filters in the URL, drilling down, the empty and error states,
// keyboard use and screen sizes. Screenshots go to test/browser/screenshots/: look at them.
import { Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { expectReady, hasChromium, launch, screenshot, settled, signIn, watch } from './browser.ts';

const SERIES = ['county-map', 'national-series'];
/** Counties of the 2017 us-atlas map, every one drawn. */
const COUNTIES = 3142;

describe.skipIf(!hasChromium)('the overview in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    problems = watch(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The API's own answer (as the public, or with a token), to check what the page shows. */
  async function api(search: string, token?: string): Promise<{ count: number | null; suppressed: boolean; geography: string }[]> {
    const response = await fetch(new URL(`/api/aggregates?format=json&${search}`, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return ((await response.json()) as { rows: { count: number | null; suppressed: boolean; geography: string }[] }).rows;
  }
  const sum = (rows: { count: number | null }[]) => rows.reduce((s, r) => s + (r.count ?? 0), 0);

  /**
   * How this page load fetched /api/meta: once, by the page's preload link (index.html), which the
   * script's own request then took. Two entries mean the preload went unused (the script asked
   * again, after its load: what the preload is there to avoid).
   */
  const metaFetches = () =>
    page.evaluate(() => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => new URL(e.name).pathname === '/api/meta').map((e) => e.initiatorType));

  let initial: Awaited<ReturnType<typeof settled>>;
  let token: string;

  test('the public: every county drawn, small counts hatched as suppressed, never shaded', async () => {
    await page.goto(server.url);
    initial = await settled(page, SERIES);
    await screenshot(page, 'overview-public');
    expect(initial['county-map']!.state).toBe('ready');
    await expect(page.locator('#county-map path[data-fips]').count()).resolves.toBe(COUNTIES);
    const counties = (await api('measure=all_overdose&geography=county&unit=total')).filter((r) => /^\d{5}$/.test(r.geography));
    const drawn = new Set(await page.locator('#county-map path[data-fips]').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-fips'))));
    const onMap = counties.filter((r) => drawn.has(r.geography));
    await expect(page.locator('#county-map path[data-suppressed]').count()).resolves.toBe(onMap.filter((r) => r.suppressed).length);
    expect(onMap.filter((r) => r.suppressed).length, 'the small demo set is mostly small counts').toBeGreaterThan(100);
    const shaded = await page.locator('#county-map path[data-value]').evaluateAll((paths) => paths.map((p) => Number(p.getAttribute('data-value'))));
    expect(shaded).toHaveLength(onMap.filter((r) => !r.suppressed && (r.count ?? 0) > 0).length);
    for (const value of shaded) expect(value, 'a shaded count the public sees').toBeGreaterThanOrEqual(10);
    expect(initial['county-map']!.total).toBe(sum(counties));
    // National counts are not suppressed (NCHS practice).
    expect(initial['national-series']!.total).toBe(sum(await api('measure=all_overdose&geography=nation&unit=month')));
    await expect(page.locator('#county-map .legend-notes').textContent()).resolves.toContain('Hatched: suppressed, 1–9 deaths');
    await expect(page.locator('#data-info').textContent()).resolves.toMatch(/^Data: Jan 2024 – Apr 2024 · data as of .+ · [\d,]+ certificates · synthetic demo data, not real deaths$/);
    for (const id of ['clusters', 'line-list', 'place-series']) await expect(page.locator(`#${id}`).isHidden()).resolves.toBe(true);
    await expect(page.locator('nav.pages a:visible').allTextContents()).resolves.toEqual(['Overview', 'Alerts & clusters', 'Drug combinations', 'Reports']);
    await expect(page.locator('#error-banner').isHidden()).resolves.toBe(true);
    await expect(metaFetches()).resolves.toEqual(['link']);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('an epidemiologist signs in with a token and sees every county’s count', async () => {
    token = await signIn(page, server, 'epidemiologist');
    initial = await settled(page, SERIES);
    await screenshot(page, 'overview');
    expectReady(initial);
    await expect(page.locator('#county-map path[data-fips]').count()).resolves.toBe(COUNTIES);
    await expect(page.locator('#county-map path[data-suppressed]').count()).resolves.toBe(0);
    expect(await page.locator('#county-map path[data-value]').count()).toBeGreaterThan(300);
    const counties = await api('measure=all_overdose&geography=county&unit=total', token);
    expect(initial['county-map']!.total).toBe(sum(counties));
    expect(initial['national-series']!.total).toBe(sum(await api('measure=all_overdose&geography=nation&unit=month', token)));
    await expect(page.locator('#national-series svg g[aria-label="dot"] > *').count()).resolves.toBe(4); // Jan-Apr 2024
    await expect(page.locator('#clusters').isVisible()).resolves.toBe(true);
    await expect(metaFetches(), 'the preloaded answer serves a signed-in page too (its request carries the token)').resolves.toEqual(['link']);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('changing the measure refetches, redraws both charts and goes into the URL; a reload shows the same', async () => {
    await page.selectOption('#measure', 'synthetic_opioid');
    const after = await settled(page, SERIES);
    await screenshot(page, 'overview-synthetic-opioid');
    expectReady(after);
    for (const id of SERIES) expect(after[id]!.total, `#${id} data-total`).toBeLessThan(initial[id]!.total); // a subset of all overdoses
    expect(after['national-series']!.total).toBe(sum(await api('measure=synthetic_opioid&geography=nation&unit=month', token)));
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ view: 'overview', source: 'deaths', measure: 'synthetic_opioid', geo: 'US', from: '2024-01', to: '2024-04', unit: 'month', value: 'count' });

    await page.reload();
    const reloaded = await settled(page, SERIES);
    expectReady(reloaded);
    await expect(page.locator('#measure').inputValue()).resolves.toBe('synthetic_opioid');
    for (const id of SERIES) expect(reloaded[id]!.total).toBe(after[id]!.total);
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('measure')).toBe('all_overdose');
    expect((await settled(page, SERIES))['national-series']!.total).toBe(initial['national-series']!.total);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('a new measure, or count ↔ rate, recolours the map in place: the same map as one drawn afresh, suppressed cells still hatched', async () => {
    // The public (a tab of its own: no token), so small counts are suppressed and must stay hatched.
    const tab = await context.newPage();
    const tabProblems = watch(tab);
    const chart = '#county-map [data-role="chart"]';
    /** The map panel once its width has settled (a scrollbar coming may redraw it once). */
    const drawn = async (on: Page) => {
      const hooks = (await settled(on, SERIES))['county-map']!;
      let html = await on.locator(chart).innerHTML();
      for (;;) {
        await on.waitForTimeout(300);
        const again = await on.locator(chart).innerHTML();
        if (again === html) break;
        html = again;
      }
      return { html, hooks };
    };
    /** A mark on the figure drawn now (a property, not in its HTML), to see the same figure kept. */
    const tag = () => tab.evaluate(() => Object.assign(document.querySelector('#county-map figure')!, { kept: true }) && undefined);
    const kept = () => tab.evaluate(() => (document.querySelector('#county-map figure') as unknown as { kept?: boolean } | null)?.kept === true);

    for (const [start, step, change] of [
      ['', 'another measure', () => tab.selectOption('#measure', 'synthetic_opioid')],
      ['?measure=synthetic_opioid', 'count to rate', () => tab.getByLabel('Rate per 100,000').check()],
      ['?geo=24', 'another measure in a state', () => tab.selectOption('#measure', 'any_opioid')],
    ] as const) {
      await tab.goto(server.url + start);
      const before = await drawn(tab);
      await tag();
      await change();
      await expect.poll(() => tab.locator(chart).innerHTML(), { message: `${step}: the map changes`, timeout: 10_000 }).not.toBe(before.html);
      const after = await drawn(tab);
      expect(await kept(), `${step}: the map drawn before is recoloured, not drawn anew`).toBe(true);
      expect(after.hooks.state).toBe('ready');

      // The same view opened afresh draws the map from scratch: it must be the same, to the element.
      const fresh = await context.newPage();
      const freshProblems = watch(fresh);
      await fresh.goto(tab.url());
      const anew = await drawn(fresh);
      expect(after.html, `${step}: the recoloured map equals the one drawn afresh`).toBe(anew.html);
      expect(after.hooks).toEqual(anew.hooks);
      expect(freshProblems, freshProblems.join('\n')).toEqual([]);
      await fresh.close();
    }
    // The last view (Maryland, any opioid, as the public) has small counts: hatched, with their words.
    const suppressed = await tab.locator('#county-map path[data-suppressed]').count();
    const rows = (await api('measure=any_opioid&geography=county&state=24&unit=total')).filter((r) => /^\d{5}$/.test(r.geography));
    expect(suppressed).toBe(rows.filter((r) => r.suppressed).length);
    expect(suppressed, 'the small demo set has small counts in Maryland').toBeGreaterThan(0);
    // A county's tooltip is made when the pointer first goes over it.
    await tab.locator('#county-map path[data-suppressed]').first().hover();
    await expect(tab.locator('#county-map path[data-suppressed] > title').first().textContent()).resolves.toMatch(/: suppressed \(1–9 deaths/);
    // Filled (one path per colour and part of the map) with the hatch.
    const outline = await tab.locator('#county-map path[data-suppressed]').first().getAttribute('d');
    const hatched = await tab.locator('#county-map .county-fills > path[fill="url(#overview-map-hatch)"]').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
    expect(hatched.filter((d) => d.includes(outline!))).toHaveLength(1);
    await expect(tab.locator('#county-map svg[aria-label^="Map"]').getAttribute('aria-label')).resolves.toMatch(/^Map of any opioid .* by county in Maryland, /);
    expect(tabProblems, tabProblems.join('\n')).toEqual([]);
    await tab.close();
  });

  test('MMWR weeks: one point per week of the period, the edge weeks hollow (partial)', async () => {
    await page.selectOption('#unit', 'week');
    const hooks = await settled(page, SERIES);
    expectReady(hooks);
    expect(new URL(page.url()).searchParams.get('unit')).toBe('week');
    // 2023-12-31 (the Sunday before Jan 1) to 2024-04-28: 18 weeks.
    await expect(page.locator('#national-series svg g[aria-label="dot"] > *').count()).resolves.toBe(18);
    await expect(page.locator('#national-series figure').first().textContent()).resolves.toContain('partial week');
    expect(hooks['national-series']!.total).toBe(initial['national-series']!.total); // the same deaths, by week
    await page.selectOption('#unit', 'month');
    await settled(page, SERIES);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('the rate view shades counties by deaths per 100,000', async () => {
    await page.getByLabel('Rate per 100,000').check();
    const rate = await settled(page, SERIES);
    await screenshot(page, 'overview-rate');
    expectReady(rate);
    expect(new URL(page.url()).searchParams.get('value')).toBe('rate');
    await expect(page.locator('#county-map figure').first().textContent()).resolves.toContain('per 100,000');
    await expect(page.locator('#national-series').textContent()).resolves.toContain('Rates are per period, not annualised');
    // This server has no age-adjusted rates yet: the page says so and shows crude rates.
    await page.getByLabel('Age-adjusted').check();
    const adjusted = await settled(page, SERIES);
    expect(new URL(page.url()).searchParams.get('adjusted')).toBe('1');
    expect(adjusted['county-map']!.state).toBe('ready');
    // The demo has no age-specific populations: the page says so and keeps the crude rates.
    if (adjusted['county-map']!.caption.includes('no age-adjusted rates here')) expect(adjusted['county-map']!.total).toBe(rate['county-map']!.total);
    else await expect(page.locator('#county-map figure').first().textContent()).resolves.toContain('Age-adjusted rate per 100,000');
    await page.getByLabel('Age-adjusted').uncheck();
    await page.getByLabel('Count', { exact: true }).check();
    await settled(page, SERIES);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('a click on a state drills down to its counties and series; a click on a county to the county', async () => {
    await page.goto(server.url);
    await settled(page, SERIES);
    await expect(page.locator('#signed-in-as').textContent()).resolves.toContain('(epidemiologist)'); // the token outlives a navigation
    // A shaded California county: a click anywhere in the state drills into the state.
    await page.locator('#county-map path[data-fips^="06"][data-value]').first().click();
    await expect.poll(() => new URL(page.url()).searchParams.get('geo')).toBe('06');
    const state = await settled(page, [...SERIES, 'place-series']);
    await screenshot(page, 'overview-california');
    expectReady(state);
    await expect(page.locator('#county-map path[data-fips]').count()).resolves.toBe(58); // California's counties alone
    await expect(page.locator('#county-map-title').textContent()).resolves.toBe('California, by county');
    await expect(page.locator('#place-series-title').textContent()).resolves.toBe('California, by month');
    expect(state['place-series']!.total).toBe(state['county-map']!.total); // the state's deaths, by county and by month alike
    expect(state['place-series']!.total).toBe(sum(await api('measure=all_overdose&geography=state&state=06&unit=month', token)));
    await expect(page.locator('#state').inputValue()).resolves.toBe('06');
    await expect(page.locator('#breadcrumb').textContent()).resolves.toMatch(/^United States›California/);

    const county = await page.locator('#county-map path[data-fips^="06"][data-value]').first().getAttribute('data-fips');
    await page.locator(`#county-map path[data-fips="${county}"]`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('geo')).toBe(county);
    const drilled = await settled(page, [...SERIES, 'place-series']);
    await screenshot(page, 'overview-county');
    expect(drilled['place-series']!.state).toBe('ready');
    await expect(page.locator('#county-map g[aria-label="geo"] path').last().evaluate((p) => p.closest('g')?.getAttribute('class') ?? '')).resolves.toContain('selected-outline');
    await expect(page.locator('#county').inputValue()).resolves.toBe(county);
    await expect(page.locator('#place-series-title').textContent()).resolves.toMatch(/, California, by month$/);

    await page.locator('#breadcrumb a[data-geo="US"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('geo')).toBe('US');
    await settled(page, SERIES);
    await expect(page.locator('#county-map path[data-fips]').count()).resolves.toBe(COUNTIES);
    await expect(page.locator('#place-series').isHidden()).resolves.toBe(true);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('keyboard: the skip link, the filters and the drill-down without a mouse', async () => {
    await page.goto(server.url);
    await settled(page, SERIES);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to the content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');
    await page.focus('#state');
    await page.keyboard.press('ArrowDown'); // the first state by name: Alabama
    await expect.poll(() => new URL(page.url()).searchParams.get('geo')).toBe('01');
    const state = await settled(page, [...SERIES, 'place-series']);
    expect(state['county-map']!.state).not.toBe('error');
    await expect(page.locator('#county-map path[data-fips]').count()).resolves.toBe(67); // Alabama
    // The map's content as a table, for keyboard and screen-reader users.
    await expect(page.locator('#county-map summary').textContent()).resolves.toBe('Table: counties of Alabama');
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('fits a laptop and a wall screen without sideways scrolling; the map grows with the screen', async () => {
    const widths: number[] = [];
    for (const [name, width, height] of [['laptop', 1366, 768], ['wall', 2560, 1440]] as const) {
      const sized = await browser.newPage({ viewport: { width, height } });
      const sizedProblems = watch(sized);
      await sized.goto(server.url);
      expectReady(await settled(sized, SERIES));
      await screenshot(sized, `overview-${name}`);
      const overflow = await sized.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name}: page wider than the screen`).toBeLessThanOrEqual(0);
      widths.push(Number(await sized.locator('#county-map svg[aria-label^="Map"]').getAttribute('width')));
      expect(sizedProblems, sizedProblems.join('\n')).toEqual([]);
      await sized.close();
    }
    expect(widths[1]).toBeGreaterThan(widths[0]! * 1.5);
  });

  test('shows the empty state when nothing matches', async () => {
    const empty = await context.newPage();
    await empty.route('**/api/aggregates?**', (route) =>
      route.fulfill({ status: 200, contentType: 'application/vnd.apache.arrow.stream', body: Buffer.from(emptyAggregates()) }),
    );
    await empty.goto(server.url);
    const hooks = await settled(empty, SERIES);
    await screenshot(empty, 'overview-empty');
    expect(hooks['county-map']!.state).toBe('empty');
    expect(hooks['county-map']!.status).toBe('No deaths match these filters. Try another measure, place or a longer period.');
    expect(hooks['national-series']!.state).toBe('empty');
    expect(hooks['national-series']!.status).toBe('Deaths: none match these filters.');
    await empty.close();
  });

  test('shows what went wrong and offers a retry when the API fails', async () => {
    const failing = await context.newPage();
    let fail = true;
    await failing.route('**/api/aggregates?**', (route) =>
      fail
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { status: 400, message: 'invalid measure: "foo"' } }) })
        : route.continue(),
    );
    await failing.goto(server.url);
    const hooks = await settled(failing, SERIES);
    await screenshot(failing, 'overview-error');
    for (const id of SERIES) expect(hooks[id]!.state).toBe('error');
    const banner = failing.locator('#error-banner');
    await expect(banner.isVisible()).resolves.toBe(true);
    await expect(banner.textContent()).resolves.toContain('The server answered 400: invalid measure: "foo". Check the filters (or reset them) and retry.');

    fail = false;
    await failing.getByRole('button', { name: 'Retry' }).click();
    expectReady(await settled(failing, SERIES));
    await expect(banner.isHidden()).resolves.toBe(true);
    await failing.close();
  });

  test('a hand-edited link opens the nearest valid view and says what it changed', async () => {
    const edited = await context.newPage();
    await edited.goto(`${server.url}?measure=nonsense&geo=99999&from=1999-01`);
    expectReady(await settled(edited, SERIES));
    await expect(edited.locator('#notice-banner').textContent()).resolves.toBe(
      'This link had unknown measure "nonsense"; unknown place "99999" (use US, a state FIPS code or a county FIPS code); from month 1999-01 is outside the data (2024-01 to 2024-04). Showing the nearest valid view.',
    );
    expect(new URL(edited.url()).searchParams.get('measure')).toBe('all_overdose');
    await edited.close();
  });

  test('the public asking for a state by week sees it by month, told why (the server\'s public grid)', async () => {
    const tab = await context.newPage();
    const problems = watch(tab);
    await tab.goto(`${server.url}?geo=39&unit=week`);
    // Drawn (the public's Ohio counties are mostly withheld in the small demo: no shown total to ask for).
    const hooks = await settled(tab, SERIES);
    for (const id of SERIES) expect(hooks[id]!.state, id).toBe('ready');
    await expect(tab.locator('#notice-banner').textContent()).resolves.toMatch(/^Weekly figures for states and counties need a sign-in .*: shown by month\.$/);
    expect(new URL(tab.url()).searchParams.get('unit')).toBe('month');
    await tab.selectOption('#unit', 'day');
    await expect.poll(() => new URL(tab.url()).searchParams.get('unit'), { timeout: 10_000 }).toBe('month');
    await expect(tab.locator('#notice-banner').textContent()).resolves.toMatch(/^Daily figures for states and counties need a sign-in/);
    expect(problems, problems.join('\n')).toEqual([]);
    await tab.close();
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
