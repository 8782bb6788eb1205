// County choropleth: deaths (or the rate per 100,000) over the chosen period, one value per county.
// A pure function of its data: the page decides when to fetch and where to put the element.
import * as Plot from '@observablehq/plot';
import { interpolateYlOrRd } from 'd3';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { AggregateRow } from '../api.ts';
import type { ValueKind } from '../filters.ts';
import { formatCount, formatRate } from '../format.ts';

/** Light grey, darker than the lightest colour of the ramp, so "0 or no data" is never read as "low". */
export const NO_DATA_FILL = '#d4d4d4';

// YlOrRd is ColorBrewer's colour-blind-safe sequential scheme; its first 15% is near-white
// yellow, too close to the no-data grey on screen, so the ramp starts after it.
const interpolate = (t: number) => interpolateYlOrRd(0.15 + 0.85 * t);

type CountyFeature = Feature<Geometry, { name: string }> & { id: string };

export interface CountyGeography {
  counties: CountyFeature[];
  stateBorders: MultiLineString;
  nation: Feature<Geometry> | FeatureCollection<Geometry>;
  /** "Mohave, Arizona" by 5-digit FIPS. */
  labels: Map<string, string>;
}

/** Once per page: the pre-projected us-atlas topology as features and meshes. */
export function countyGeography(topology: Topology): CountyGeography {
  const objects = topology.objects as Record<string, GeometryCollection<{ name: string }>>;
  const { counties, states, nation } = objects;
  if (!counties || !states || !nation) throw new Error('topology lacks counties, states or nation');
  const stateNames = new Map(states.geometries.map((g) => [String(g.id), (g.properties as { name?: string } | undefined)?.name ?? String(g.id)]));
  const countyFeatures = feature(topology, counties).features.map((f) => ({ ...f, id: String(f.id) }) as CountyFeature);
  const labels = new Map(
    countyFeatures.map((f) => [f.id, `${f.properties.name}, ${stateNames.get(f.id.slice(0, 2)) ?? f.id.slice(0, 2)}`]),
  );
  return {
    counties: countyFeatures,
    stateBorders: mesh(topology, states, (a, b) => a !== b),
    nation: feature(topology, nation),
    labels,
  };
}

export interface CountyMapInput {
  geography: CountyGeography;
  /** geography=county, unit=total rows for one measure and period. */
  rows: readonly AggregateRow[];
  value: ValueKind;
  measureLabel: string;
  periodLabel: string;
  width: number;
}

export interface CountyMapSummary {
  /** Counties with a value drawn in colour. */
  filled: number;
  /** Deaths in all rows received. */
  deaths: number;
  /** Rows whose FIPS is not on the 2017 county map (e.g. Connecticut's 2022 planning regions). */
  unmapped: AggregateRow[];
}

export function summarizeCountyRows(input: Pick<CountyMapInput, 'geography' | 'rows' | 'value'>): CountyMapSummary {
  const known = input.geography.labels;
  let deaths = 0;
  let filled = 0;
  const unmapped: AggregateRow[] = [];
  for (const row of input.rows) {
    deaths += row.deaths;
    if (!known.has(row.geography)) unmapped.push(row);
    else if (valueOf(row, input.value) !== null) filled++;
  }
  return { filled, deaths, unmapped };
}

function valueOf(row: AggregateRow, value: ValueKind): number | null {
  const v = value === 'rate' ? row.ratePer100k : row.deaths;
  // A log scale cannot place 0; a county shown at 0 belongs with "0 or no data" anyway.
  return v !== null && v > 0 ? v : null;
}

interface Filled {
  county: CountyFeature;
  row: AggregateRow;
  value: number;
}

export function countyMap(input: CountyMapInput): HTMLElement {
  const { geography, value, measureLabel, periodLabel, width } = input;
  const byFips = new Map(input.rows.map((row) => [row.geography, row]));
  const filled: Filled[] = [];
  for (const county of geography.counties) {
    const row = byFips.get(county.id);
    const v = row ? valueOf(row, value) : null;
    if (row && v !== null) filled.push({ county, row, value: v });
  }
  const summary = summarizeCountyRows(input);
  const unit = value === 'rate' ? 'Deaths per 100,000 population' : 'Deaths';
  const label = (fips: string) => geography.labels.get(fips) ?? fips;

  const plot = Plot.plot({
    width,
    projection: { type: 'identity', domain: geography.nation },
    ariaLabel: `Map of ${measureLabel.toLowerCase()} by county, ${periodLabel}`,
    ariaDescription: describe(filled, value, label),
    color: {
      type: 'log',
      interpolate,
      legend: true,
      label: `${unit}, ${periodLabel}`,
      // A format string (not a function) lets d3's log scale thin the labels between powers of ten.
      tickFormat: ',~g',
    },
    marks: [
      Plot.geo(geography.counties, {
        fill: NO_DATA_FILL,
        stroke: 'white',
        strokeWidth: 0.25,
        title: (d: CountyFeature) => `${label(d.id)}: ${value === 'rate' ? 'no rate (0 deaths or no population)' : '0 deaths or no data'}`,
        ariaHidden: 'true',
        render: tagPaths((i) => ({ 'data-fips': geography.counties[i]!.id })),
      }),
      Plot.geo(filled, {
        geometry: (d: Filled) => d.county,
        fill: (d: Filled) => d.value,
        stroke: 'white',
        strokeWidth: 0.25,
        title: (d: Filled) => tooltip(label(d.county.id), d.row, value),
        render: tagPaths((i) => ({ 'data-fips': filled[i]!.county.id, 'data-value': String(filled[i]!.value) })),
      }),
      Plot.geo(geography.stateBorders, { stroke: 'white', strokeWidth: 1, ariaHidden: 'true' }),
      Plot.geo(geography.nation, { stroke: '#777', strokeWidth: 0.75, ariaHidden: 'true' }),
    ],
  });

  const figure = document.createElement('figure');
  figure.className = 'county-map';
  figure.append(plot, noDataNote(value), ...unmappedNote(summary.unmapped), topTable(filled, label));
  return figure;
}

type RenderFunction = NonNullable<Plot.MarkOptions['render']>;

/** Plot render transform: draws the mark, then tags each path with attributes of its datum. */
function tagPaths(attributes: (i: number) => Record<string, string>): RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context);
    const paths = g?.querySelectorAll(':scope > path') ?? [];
    index.forEach((i, j) => {
      const path = paths[j];
      if (path) for (const [name, v] of Object.entries(attributes(i))) path.setAttribute(name, v);
    });
    return g;
  };
}

function tooltip(name: string, row: AggregateRow, value: ValueKind): string {
  const deaths = `${formatCount(row.deaths)} death${row.deaths === 1 ? '' : 's'}`;
  if (value === 'count') return `${name}: ${deaths}`;
  const rate = row.ratePer100k === null ? 'no rate' : `${formatRate(row.ratePer100k)} per 100,000`;
  // NCHS flags rates from fewer than 20 deaths as unreliable.
  return `${name}: ${rate} (${deaths}${row.deaths < 20 ? '; unreliable, fewer than 20 deaths' : ''})`;
}

function describe(filled: Filled[], value: ValueKind, label: (fips: string) => string): string {
  const top = [...filled].sort((a, b) => b.value - a.value).slice(0, 3);
  const format = value === 'rate' ? formatRate : formatCount;
  return `${filled.length} counties with data. Highest: ${top.map((d) => `${label(d.county.id)} ${format(d.value)}`).join('; ')}.`;
}

function noDataNote(value: ValueKind): HTMLElement {
  const note = document.createElement('p');
  note.className = 'legend-note';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.background = NO_DATA_FILL;
  swatch.setAttribute('aria-hidden', 'true');
  note.append(
    swatch,
    value === 'rate'
      ? 'Grey: no rate (0 deaths, or no population estimate). Rates are over the whole period, not annualised.'
      : 'Grey: 0 deaths or no data (counties without deaths are not reported separately).',
  );
  return note;
}

function unmappedNote(unmapped: AggregateRow[]): HTMLElement[] {
  if (unmapped.length === 0) return [];
  const note = document.createElement('p');
  note.className = 'legend-note unmapped';
  const deaths = unmapped.reduce((sum, row) => sum + row.deaths, 0);
  const codes = unmapped.slice(0, 5).map((row) => row.geography).join(', ');
  note.textContent =
    `Not on the map (county codes newer than the 2017 boundaries, or unknown): ${unmapped.length} area${unmapped.length === 1 ? '' : 's'}, ` +
    `${formatCount(deaths)} deaths (${codes}${unmapped.length > 5 ? ', …' : ''}).`;
  return [note];
}

/** The ten highest counties as a table: the map's content for keyboard and screen-reader users. */
function topTable(filled: Filled[], label: (fips: string) => string): HTMLElement {
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Table: the 10 highest counties';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const text of ['County', 'FIPS', 'Deaths', 'Rate per 100,000']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  for (const d of [...filled].sort((a, b) => b.value - a.value).slice(0, 10)) {
    const tr = body.insertRow();
    const cells = [
      label(d.county.id),
      d.county.id,
      formatCount(d.row.deaths),
      d.row.ratePer100k === null ? '–' : `${formatRate(d.row.ratePer100k)}${d.row.deaths < 20 ? '*' : ''}`,
    ];
    for (const text of cells) tr.insertCell().textContent = text;
  }
  const footnote = document.createElement('p');
  footnote.className = 'legend-note';
  footnote.textContent = '* Unreliable: a rate from fewer than 20 deaths (NCHS).';
  details.append(summary, table, footnote);
  return details;
}
