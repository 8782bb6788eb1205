// Each dashboard chart drawn in Chromium from fixed data and compared with its saved output
// (test/charts/output/*.html), after rounding floats as Plot's own tests do. A changed chart is a
// diff to read: set UPDATE_GOLDENS=1 to accept it. A missing output is written, except under CI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, hasChromium } from '../browser/browser.ts';
import { expectSavedOutput, harnessPage } from './saved-output.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = join(here, 'output');
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
    ({ browser, page } = await harnessPage('harness.ts', 'harness'));
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
    expectSavedOutput(OUTPUT, name, html);
  });

  // The overview recolours the map it has drawn when only the values change (county-map.ts says
  // why): the recoloured map must be the one countyMap draws for the new values, element for
  // element (fills, suppression, data attributes, titles, ARIA, legend, table), never stale.
  test('a recoloured county map is the one drawn afresh for the same data', async () => {
    const { cases, refused } = await page.evaluate(() => {
      const g = globalThis as unknown as { harness: { recolourCases(t: unknown): unknown }; topology: unknown };
      return g.harness.recolourCases(g.topology) as { cases: { name: string; recoloured: string; fresh: string; before: string }[]; refused: { name: string; result: boolean; unchanged: boolean }[] };
    });
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      expect(c.recoloured, c.name).toBe(c.fresh);
      expect(c.recoloured, `${c.name}: the case changes something`).not.toBe(c.before);
    }
    const changed = cases.find((c) => c.name === 'another measure')!;
    // The case exercises suppressed cells both ways, titles, the legend and the ARIA description.
    expect(changed.before).toContain('data-fips="24039" data-suppressed="true"');
    expect(changed.recoloured).toContain('data-fips="24039" data-value="11"');
    expect(changed.recoloured).toContain('data-fips="10001" data-suppressed="true"');
    expect(changed.recoloured).toContain('aria-label="Map of any opioid (t40.0-t40.4, t40.6) by county, Jan 2024 – May 2024"');
    // Baltimore's tooltip, made before the recolour, says the new measure's count.
    expect(changed.before).toMatch(/data-fips="24510" data-value="412"><title>Baltimore, Maryland: 412 deaths<\/title>/);
    expect(changed.recoloured).toMatch(/data-fips="24510" data-value="\d+"><title>Baltimore, Maryland: (?!412 )[\d,]+ deaths<\/title>/);
    expect(changed.before).toContain('Not on the map');
    expect(changed.recoloured).not.toContain('Not on the map');
    for (const r of refused) {
      expect(r.result, `${r.name}: refused`).toBe(false);
      expect(r.unchanged, `${r.name}: left as it was`).toBe(true);
    }
  });

  // The overview shows a new map before its county paths (county-map.ts: addCountyPaths): once they
  // are in, it must be the map drawn at once, whatever recolours came between.
  test('a map whose county paths come later is, once they are in, the map drawn at once', async () => {
    const cases = await page.evaluate(() => {
      const g = globalThis as unknown as { harness: { laterPathCases(t: unknown): unknown }; topology: unknown };
      return g.harness.laterPathCases(g.topology) as { name: string; pendingBefore: boolean; pathsBefore: number; added: boolean; addedAgain: boolean; later: string; fresh: string }[];
    });
    expect(cases.length).toBe(4);
    for (const c of cases) {
      expect(c.pendingBefore, `${c.name}: says its paths are to come`).toBe(true);
      expect(c.pathsBefore, `${c.name}: no county paths before`).toBe(0);
      expect(c.added, `${c.name}: paths added`).toBe(true);
      expect(c.addedAgain, `${c.name}: added once`).toBe(false);
      expect(c.later, c.name).toBe(c.fresh);
      expect(c.later, `${c.name}: has its county paths`).toMatch(/<path d="[^"]+" fill="none" pointer-events="all" data-fips="24510"/);
    }
  });

  // The map draws its counties in the topology's units under one transform (charts/atlas.ts):
  // they must land where Plot's projection puts the same county, to a small part of a pixel.
  test('county paths land where Plot projects the same county', async () => {
    const cases = await page.evaluate(() => {
      const g = globalThis as unknown as { harness: { placementCases(t: unknown): unknown }; topology: unknown };
      return g.harness.placementCases(g.topology) as { name: string; counties: number; worst: number }[];
    });
    expect(cases.map((c) => [c.name, c.counties])).toEqual([
      ['nation at 975 px', 3142],
      ['nation at 1,440 px, an island county', 3142],
      ['Rhode Island at 640 px', 5],
      ['Maryland at 2,400 px', 24],
      ['the mid-Atlantic test map', 27],
    ]);
    for (const c of cases) expect(c.worst, c.name).toBeLessThan(0.05);
  });

  // The counties are filled as one path per colour and part of the map (county-map.ts:
  // paintFills): each county's outline is in exactly one of them, in the colour of its values.
  test('every county is filled once, in the colour of its values', async () => {
    const cases = await page.evaluate(() => {
      const g = globalThis as unknown as { harness: { countyFills(t: unknown): unknown }; topology: unknown };
      return g.harness.countyFills(g.topology) as { name: string; fills: Record<string, string[]>; fillPaths: number }[];
    });
    const [count, rate, recoloured] = cases;
    for (const c of cases) {
      expect(Object.keys(c.fills), c.name).toHaveLength(27);
      for (const [fips, fills] of Object.entries(c.fills)) expect(fills, `${c.name}: ${fips}`).toHaveLength(1);
      // At least one path per colour, fewer than one per county.
      expect(c.fillPaths, c.name).toBeGreaterThanOrEqual(new Set(Object.values(c.fills).flat()).size);
      expect(c.fillPaths, c.name).toBeLessThan(27);
    }
    expect(count!.fills['24510']).toEqual(['rgb(128, 0, 38)']); // the highest count: the ramp's end
    expect(count!.fills['24039']).toEqual(['url(#test-map-hatch)']); // suppressed
    expect(count!.fills['24047']).toEqual(['#d4d4d4']); // no deaths
    expect(recoloured!.fills).toEqual(rate!.fills);
    expect(rate!.fills).not.toEqual(count!.fills);
  });
});
