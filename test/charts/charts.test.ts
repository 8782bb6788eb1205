// Each dashboard chart drawn in Chromium from fixed data and compared with its saved output
// (test/charts/output/*.html), after rounding floats as Plot's own tests do. A changed chart is a
// diff to read: set UPDATE_GOLDENS=1 to accept it. A missing output is written, except under CI.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = join(here, 'output');
const CHANGED = fileURLToPath(new URL('../../test-artifacts/charts/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the chart tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);

const CASES = [
  'county-map-count',
  'county-map-rate',
  'county-map-state',
  'county-map-cluster',
  'time-series-count',
  'time-series-week',
  'time-series-rate',
  'alert-series',
  'alert-list',
  'cluster-list',
  'combination-bars',
  'combination-trend',
  'combination-matrix',
  'review-queue',
  'batch-report',
  'record-list',
  'report-tables',
];

/** Rounds numbers with decimals to 2 places, so last-digit float noise is not a change. */
function normalize(html: string): string {
  return html
    .replace(/\d+\.\d+(e[+-]?\d+)?/g, (n) => String(+(+n).toFixed(2)))
    .replace(/></g, '>\n<');
}

describe.skipIf(!hasChromium)('dashboard charts', () => {
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(here, 'harness.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'harness',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const topology = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('us-atlas/counties-albers-10m.json')), 'utf8'));
    await page.evaluate((t) => Object.assign(globalThis, { topology: t }), topology);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test.each(CASES)('%s', async (name) => {
    const html = normalize(
      await page.evaluate((n) => {
        const g = globalThis as unknown as { harness: { render(n: string, t: unknown): string }; topology: unknown };
        return g.harness.render(n, g.topology);
      }, name),
    );
    const saved = join(OUTPUT, `${name}.html`);
    if (process.env['UPDATE_GOLDENS'] === '1' || (!existsSync(saved) && !process.env['CI'])) {
      mkdirSync(OUTPUT, { recursive: true });
      writeFileSync(saved, html);
      console.warn(`wrote ${saved}: read it before committing`);
      return;
    }
    expect(existsSync(saved), `${saved} is missing; run the tests locally to create it`).toBe(true);
    const expected = readFileSync(saved, 'utf8');
    if (html !== expected) {
      mkdirSync(CHANGED, { recursive: true });
      writeFileSync(join(CHANGED, `${name}.html`), html);
    }
    expect(html, `${name} changed; the new output is in test-artifacts/charts/ (UPDATE_GOLDENS=1 accepts it)`).toBe(expected);
  });
});
