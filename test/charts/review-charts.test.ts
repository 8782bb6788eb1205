// The review page's charts (dashboard/src/charts/review-*.ts) drawn in Chromium from the fixed data
// in review-harness.ts and compared with their saved output (review-output/*.html), as
// charts.test.ts does for the other charts (one element per line, numbers as drawn): a changed chart is a diff to read (the new output
// lands in test-artifacts/charts/); UPDATE_GOLDENS=1 accepts it; a missing output is written,
// except under CI.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = join(here, 'review-output');
const CHANGED = fileURLToPath(new URL('../../test-artifacts/charts/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`Skipping the review chart tests: ${CHROMIUM} is missing (apt-get install -y chromium).`);

const CASES = [
  'review-item-death',
  'review-item-history',
  'review-item-ed',
  'review-decision-death',
  'review-decision-ed-accepted',
  'review-outcome-correct',
  'review-outcome-accept-last',
  'review-outcome-not-queued',
  'review-emerging',
  'review-agreement',
  'review-agreement-top',
];

/**
 * One element per line. Unlike charts.test.ts, numbers are not rounded: these charts draw no
 * computed floats (percentages arrive formatted), and rounding would rewrite codes (T40.411A).
 */
function normalize(html: string): string {
  return html.replace(/></g, '>\n<');
}

describe.skipIf(!hasChromium)('the review page’s charts', () => {
  let browser: Browser | undefined;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(here, 'review-harness.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'reviewHarness',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test.each(CASES)('%s', async (name) => {
    const html = normalize(await page.evaluate((n) => (globalThis as unknown as { reviewHarness: { render(n: string): string } }).reviewHarness.render(n), name));
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
