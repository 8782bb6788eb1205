/**
 * Boundaries for the report maps: us-atlas's pre-projected (Albers USA) 2017 county and state
 * outlines (counties-albers-10m.json, the file the dashboard draws), read once when the routes are
 * built and converted to GeoJSON features by topojson-client.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

export type AreaFeature = Feature<Geometry, { name: string }> & { id: string };

export interface MapGeography {
  /** The 50 states and DC (and territories the file has), by FIPS. */
  states: AreaFeature[];
  counties: AreaFeature[];
  nation: FeatureCollection<Geometry> | Feature<Geometry>;
  /** Borders between states, drawn over a map of counties. */
  stateBorders: MultiLineString;
}

export function loadMapGeography(): MapGeography {
  const file = createRequire(import.meta.url).resolve('us-atlas/counties-albers-10m.json');
  return mapGeography(JSON.parse(fs.readFileSync(file, 'utf8')) as Topology);
}

export function mapGeography(topology: Topology): MapGeography {
  const objects = topology.objects as Record<string, GeometryCollection<{ name: string }>>;
  const { counties, states, nation } = objects;
  if (!counties || !states || !nation) throw new Error('the us-atlas topology lacks counties, states or nation');
  const features = (collection: GeometryCollection<{ name: string }>) =>
    (feature(topology, collection) as FeatureCollection<Geometry, { name: string }>).features.map((f) => ({ ...f, id: String(f.id) }) as AreaFeature);
  return {
    states: features(states),
    counties: features(counties),
    nation: feature(topology, nation),
    stateBorders: mesh(topology, states, (a, b) => a !== b),
  };
}
