// Shared by the saved-output chart tests (charts.test.ts, review-charts.test.ts): a Chromium page
// with a chart harness bundled into it, and the comparison of a drawn chart with its saved output.
// A changed chart is a diff to read (the new output lands in test-artifacts/charts/);
// UPDATE_GOLDENS=1 accepts it; a missing output is written, except under CI.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launch } from '../browser/browser.ts';

const CHANGED = fileURLToPath(new URL('../../test-artifacts/charts/', import.meta.url));

/** Chromium with a blank page holding `harness` (a file of this folder) bundled as `globalName`. */
export async function harnessPage(harness: string, globalName: string): Promise<{ browser: Browser; page: Page }> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const bundle = await build({ entryPoints: [join(here, harness)], bundle: true, write: false, format: 'iife', globalName, platform: 'browser', target: 'es2022', logLevel: 'silent' });
  const browser = await launch();
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  return { browser, page };
}

/** Asserts `html` (normalised by the caller) equals `outputDir/name.html`. */
export function expectSavedOutput(outputDir: string, name: string, html: string): void {
  const saved = join(outputDir, `${name}.html`);
  if (process.env['UPDATE_GOLDENS'] === '1' || (!existsSync(saved) && !process.env['CI'])) {
    mkdirSync(outputDir, { recursive: true });
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
}
