/**
 * The scan over a county × day table, counties placed at their centroids. Counties without a
 * centroid (an unknown FIPS code) are left out and their cases counted; a table too short for a
 * baseline beside the window, or with cases in fewer than two counties, is not scanned.
 */
import { countyCentroids, type Centroid } from './county-centroids.ts';
import type { ScanOutcome, ScanRunner } from './parallel.ts';
import type { SpaceTimeOptions } from './space-time-permutation.ts';

export interface CountyTable {
  counties: readonly string[];
  counts: readonly Int32Array[];
  firstDate: string;
  days: number;
}

export interface CountyScan {
  outcome: ScanOutcome | null;
  /** Why the table was not scanned. */
  skipped: string | null;
  casesWithoutLocation: number;
}

export async function scanCounties(
  runner: ScanRunner,
  table: CountyTable,
  options: SpaceTimeOptions & { minDays: number; stopAbove?: number },
  centroids: ReadonlyMap<string, Centroid> = countyCentroids(),
): Promise<CountyScan> {
  let casesWithoutLocation = 0;
  const located = table.counties.flatMap((county, i) => {
    const centroid = centroids.get(county);
    if (!centroid) casesWithoutLocation += table.counts[i]!.reduce((a, b) => a + b, 0);
    return centroid ? [{ id: county, x: centroid.lon, y: centroid.lat, counts: table.counts[i]! }] : [];
  });
  if (table.days < options.minDays) return { outcome: null, skipped: `${table.days} days of data (needs ${options.minDays})`, casesWithoutLocation };
  if (located.length < 2) return { outcome: null, skipped: 'cases in fewer than 2 counties', casesWithoutLocation };
  const input = { locations: located.map(({ id, x, y }) => ({ id, x, y })), counts: located.map((l) => l.counts), firstDate: table.firstDate };
  return { outcome: await runner.scan(input, options, options.stopAbove), skipped: null, casesWithoutLocation };
}
