// The review page's charts (dashboard/src/charts/review-*.ts) drawn in Chromium from the fixed data
// in review-harness.ts and compared with their saved output (review-output/*.html), as
// charts.test.ts does for the other charts (one element per line, numbers as drawn): a changed chart is a diff to read (the new output
// lands in test-artifacts/charts/); UPDATE_GOLDENS=1 accepts it; a missing output is written,
// except under CI.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CHROMIUM, hasChromium } from '../browser/browser.ts';
import { expectSavedOutput, harnessPage } from './saved-output.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = join(here, 'review-output');
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
    ({ browser, page } = await harnessPage('review-harness.ts', 'reviewHarness'));
  });

  afterAll(async () => {
    await browser?.close();
  });

  test.each(CASES)('%s', async (name) => {
    const html = normalize(await page.evaluate((n) => (globalThis as unknown as { reviewHarness: { render(n: string): string } }).reviewHarness.render(n), name));
    expectSavedOutput(OUTPUT, name, html);
  });
});
