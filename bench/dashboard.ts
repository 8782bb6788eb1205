/**
 * The dashboard in Chromium against the real server over a national year of synthetic deaths
 * (the demo generator at --scale 1: about 3.1 million certificates, 2024): how long until the
 * county map is drawn with data on a cold load, how long from a filter change to redrawn charts,
 * and how many bytes each page transfers.
 *
 *   npx tsx bench/dashboard.ts [--scale 1] [--runs 5] [--role epidemiologist|public] [--data-dir DIR]
 *
 * The data set is generated and loaded once into DIR (default bench/out/dashboard-scale-<scale>,
 * gitignored) and reused by later runs; the aggregate cache is refreshed first, as the
 * refresh-aggregates job does every 10 minutes in production. Times come from the page's own
 * performance marks (dashboard/src: vigil:map-drawn, vigil:map-interactive, vigil:overview-drawn), taken to the next
 * painted frame; bytes from the Resource Timing transfer sizes. Prints medians (and the range)
 * and the machine.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { certificateCount, loadDemo } from '../pipeline/cli/demo.ts';
import { loadConfig } from '../pipeline/config.ts';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { openRuntime } from '../pipeline/runtime.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startServer } from '../server/start.ts';
import { machineDescription, median } from './machine.ts';
import { coldPage as openColdPage, launchChromium, markPainted, type PageProbe } from './page-marks.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    role: { type: 'string', default: 'epidemiologist' },
    'data-dir': { type: 'string' },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const role = values.role as 'epidemiologist' | 'public';
if (!(scale > 0 && scale <= 2) || !(runs >= 1) || !['epidemiologist', 'public'].includes(role)) {
  console.error('usage: npx tsx bench/dashboard.ts [--scale 0-2] [--runs N] [--role epidemiologist|public] [--data-dir DIR]');
  process.exit(2);
}
const dataDir = resolve(values['data-dir'] ?? `bench/out/dashboard-scale-${scale}`);
mkdirSync(dataDir, { recursive: true });

const runtime = await openRuntime(loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'warn', VIGIL_JOBS_ENABLED: 'false', PORT: '0' }), pino({ level: 'warn' }));
if ((await certificateCount(runtime)) === 0) {
  const started = performance.now();
  await loadDemo(runtime, { scale: String(scale), seed: '20241', from: '2024-01-01', to: '2024-12-31' });
  console.error(`loaded the national year in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const certificates = await certificateCount(runtime);
// A failed refresh is not fatal: the API then counts the records directly (slower), and the figures say so.
let cache = 'stale (the API counts the records directly)';
try {
  const refresh = await refreshAggregates(runtime.db);
  cache = `current (${refresh.deaths.cacheRows.toLocaleString('en-US')} death cells, refreshed in ${refresh.seconds.toFixed(1)} s)`;
} catch (error) {
  console.error(`the aggregate cache could not be refreshed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
}
const token = role === 'public' ? null : (await createToken(runtime.db.connection, { name: 'bench/dashboard.ts', role, createdBy: 'bench' })).token;
const server = await startServer(runtime, { port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
/** A cold tab, signed in as the role when it has a token. */
const coldPage = (): Promise<Page> => openColdPage(browser, token);

interface Transfer {
  page: number;
  api: number;
  requests: number;
}

/** Bytes the page has transferred so far: the page itself (HTML, script, styles, map) and the API. */
function transferred(page: Page): Promise<Transfer> {
  return page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
    const api = entries.filter((e) => new URL(e.name).pathname.startsWith('/api/'));
    const sum = (list: PerformanceResourceTiming[]) => list.reduce((s, e) => s + e.transferSize, 0);
    return { page: sum(entries) - sum(api), api: sum(api), requests: entries.length };
  });
}

/** Waits until no panel of the page shown is loading. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => [...document.querySelectorAll('.view:not([hidden]) .panel:not([hidden])')].every((p) => p.getAttribute('data-state') !== 'loading'), undefined, { timeout: 120_000 });
}

const spread = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}, n = ${xs.length})`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

try {
  // 1. Time to the first map with data, cold.
  const firstMap: number[] = [];
  // The map is shown before its county paths (pointer, tooltips: county-map.ts addCountyPaths).
  const countyPathsIn: number[] = [];
  const wholeOverview: number[] = [];
  const countyRequest: number[] = [];
  let overviewBytes: Transfer | null = null;
  for (let i = 0; i < runs; i++) {
    const page = await coldPage();
    await page.goto(server.url);
    firstMap.push(await markPainted(page, 'vigil:map-drawn'));
    countyPathsIn.push(await markPainted(page, 'vigil:map-interactive'));
    wholeOverview.push(await markPainted(page, 'vigil:overview-drawn'));
    countyRequest.push(
      await page.evaluate(() => {
        const entry = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.includes('geography=county') && e.name.includes('unit=total'));
        return entry ? entry.responseEnd - entry.startTime : NaN;
      }),
    );
    await settled(page);
    overviewBytes ??= await transferred(page);
    await page.context().close();
  }

  // 2. From a filter change to redrawn charts, in one warm tab: a measure not fetched before
  // (a request and a redraw), and count ↔ rate (the same data, redrawn).
  const page = await coldPage();
  await page.goto(server.url);
  await markPainted(page, 'vigil:overview-drawn');
  await settled(page);
  // The time to the painted charts, and to the last API answer the change asked for (0: none).
  const change = (select: string, value: string) =>
    page.evaluate(
      ([selector, option]) =>
        new Promise<{ total: number; answers: number }>((done) => {
          const before = performance.getEntriesByName('vigil:overview-drawn').length;
          const started = performance.now();
          new PerformanceObserver((_list, observer) => {
            if (performance.getEntriesByName('vigil:overview-drawn').length > before) {
              observer.disconnect();
              // To the painted frame after the mark, as page-marks.ts times the first map (a second
              // frame's callback, as before, came one frame later: up to 17 ms more).
              (globalThis as unknown as PageProbe).__vigilAfterPaint(() => {
                const asked = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.startTime >= started && new URL(e.name).pathname.startsWith('/api/'));
                done({ total: performance.now() - started, answers: Math.max(0, ...asked.map((e) => e.responseEnd - started)) });
              });
            }
          }).observe({ type: 'mark' });
          const element = document.querySelector<HTMLInputElement | HTMLSelectElement>(selector!)!;
          if (element instanceof HTMLInputElement) element.checked = true;
          else element.value = option!;
          element.dispatchEvent(new Event('change', { bubbles: true }));
        }),
      [select, value] as const,
    );
  const measures = await page.locator('#measure option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  const newMeasure: number[] = [];
  const newMeasureAnswers: number[] = [];
  const redrawOnly: number[] = [];
  for (const measure of measures.filter((m) => m !== 'all_overdose').slice(0, Math.max(runs, 3))) {
    const changed = await change('#measure', measure);
    newMeasure.push(changed.total);
    newMeasureAnswers.push(changed.answers);
    redrawOnly.push((await change('input[name="value"][value="rate"]', '')).total);
    redrawOnly.push((await change('input[name="value"][value="count"]', '')).total);
  }
  await page.context().close();

  // 3. Bytes per page, cold.
  const pages: [string, string][] = [
    ['overview', ''],
    ['overview, a state drilled into', '?view=overview&geo=39'],
    ['alerts', '?view=alerts'],
    ['drug combinations', '?view=combinations'],
    ['reports', '?view=reports&geo=39'],
  ];
  const bytes: [string, Transfer][] = [];
  for (const [name, search] of pages) {
    const tab = await coldPage();
    await tab.goto(server.url + search);
    await settled(tab);
    bytes.push([name, await transferred(tab)]);
    await tab.context().close();
  }

  console.log(`bench/dashboard.ts: ${certificates.toLocaleString('en-US')} certificates (demo --scale ${scale}, 2024), as ${role}, Chromium ${browser.version()}`);
  console.log(`machine: ${machineDescription()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores shared); aggregate cache ${cache}`);
  console.log(`time to first map with data (cold load, navigation start → map painted): ${spread(firstMap)}`);
  console.log(`  its county paths in (pointer and tooltips work; drawn after the map is shown): ${spread(countyPathsIn)}`);
  console.log(`  the whole overview drawn (map and series): ${spread(wholeOverview)}`);
  console.log(`  of which GET /api/aggregates (county totals): ${spread(countyRequest)}`);
  console.log(`filter change → charts redrawn, a measure not loaded before: ${spread(newMeasure)}`);
  console.log(`  of which until its last API answer is in (GET /api/aggregates, built by the server: not asked before): ${spread(newMeasureAnswers)}`);
  console.log(`filter change → charts redrawn, count ↔ rate (no request): ${spread(redrawOnly)}`);
  console.log(`overview transfer, cold: page ${kb(overviewBytes!.page)} + API ${kb(overviewBytes!.api)} in ${overviewBytes!.requests} requests`);
  for (const [name, t] of bytes) console.log(`bytes per view, cold: ${name}: ${kb(t.page + t.api)} (page ${kb(t.page)}, API ${kb(t.api)}, ${t.requests} requests)`);
} finally {
  await browser.close();
  await server.close();
  runtime.close();
}
