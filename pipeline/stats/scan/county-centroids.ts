/**
 * County centroids (longitude, latitude) for the scan's circles: the spherical centroid of each
 * county of us-atlas's Census 2017 cartographic boundaries (d3's geoCentroid), read once. The only
 * file this folder reads; everything else here is a pure function.
 *
 * Counties created since 2017 are not on that map: Connecticut's nine planning regions (county
 * equivalents from 2022, FIPS 09110-09190) and Alaska's 2019 split of Valdez-Cordova (02261) into
 * Chugach (02063) and Copper River (02066). They get the hand-placed points below, each near the
 * middle of the region's towns (within about 15 km); good enough for nearest-neighbour circles of
 * tens of kilometres, not for mapping.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoCentroid } from 'd3';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export interface Centroid {
  /** Degrees east (negative in the US). */
  lon: number;
  lat: number;
}

/** [lon, lat] of the county equivalents missing from the 2017 boundaries. */
const SINCE_2017: Readonly<Record<string, readonly [number, number]>> = {
  '02063': [-146.6, 60.8], // Chugach: Valdez, Cordova, Whittier
  '02066': [-144.2, 62.2], // Copper River: Glennallen
  '09110': [-72.6, 41.84], // Capitol: Hartford
  '09120': [-73.23, 41.23], // Greater Bridgeport
  '09130': [-72.5, 41.45], // Lower Connecticut River Valley: Middletown to Old Saybrook
  '09140': [-73.08, 41.5], // Naugatuck Valley: Waterbury
  '09150': [-71.98, 41.83], // Northeastern: Putnam, Killingly
  '09160': [-73.2, 41.85], // Northwest Hills: Torrington, Litchfield
  '09170': [-72.9, 41.37], // South Central: New Haven, Meriden
  '09180': [-72.1, 41.47], // Southeastern: New London, Norwich
  '09190': [-73.45, 41.3], // Western: Danbury, Stamford, Norwalk
};

// Immutable once built (nothing for tests to reset).
let centroids: ReadonlyMap<string, Centroid> | undefined;

/** Every county FIPS code (2017 boundaries plus the later county equivalents) → its centroid. */
export function countyCentroids(): ReadonlyMap<string, Centroid> {
  if (centroids) return centroids;
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(readFileSync(require.resolve('us-atlas/counties-10m.json'), 'utf8')) as Topology;
  const collection = feature(topology, topology.objects.counties as GeometryCollection);
  const map = new Map<string, Centroid>();
  for (const county of collection.features) {
    const [lon, lat] = geoCentroid(county);
    map.set(String(county.id), { lon, lat });
  }
  for (const [fips, [lon, lat]] of Object.entries(SINCE_2017)) map.set(fips, { lon, lat });
  centroids = map;
  return map;
}
