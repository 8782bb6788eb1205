// County choropleth: the count (or rate per 100,000) of the chosen measure over the period, one
// value per county; suppressed counties hatched, never coloured; the nation or one state; a
// selected county or a cluster's counties outlined. A pure function of its data: the page decides
// when to fetch, and handles clicks through the paths' data-fips.
import * as Plot from '@observablehq/plot';
import { extent, interpolateYlOrRd, scaleSequentialLog } from 'd3';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { rateOf, type AggregateRow } from '../api/aggregates.ts';
import type { ValueKind } from '../filters.ts';
import { formatCount, formatRate } from '../format.ts';
import { placeName } from '../places.ts';
import { hatchDefs, noteWithSwatch } from './marks.ts';

/** Light grey, darker than the lightest colour of the ramp, so "0 or no data" is never read as "low". */
export const NO_DATA_FILL = '#d4d4d4';

// YlOrRd is ColorBrewer's colour-blind-safe sequential scheme; its first 15% is near-white
// yellow, too close to the no-data grey on screen, so the ramp starts after it.
const interpolate = (t: number) => interpolateYlOrRd(0.15 + 0.85 * t);

export type CountyFeature = Feature<Geometry, { name: string }> & { id: string };

export interface CountyGeography {
  counties: CountyFeature[];
  /** Lines between states (not the coast), for the national view. */
  stateBorders: MultiLineString;
  states: Map<string, Feature<Geometry>>;
  nation: Feature<Geometry> | FeatureCollection<Geometry>;
  /** "Mohave, Arizona" by 5-digit FIPS. */
  labels: Map<string, string>;
  /** The lines between the given counties (each drawn once, not once per county). */
  countyBorders: (fips: ReadonlySet<string> | null) => MultiLineString;
}

/** Once per page: the pre-projected us-atlas topology as features and meshes. */
export function countyGeography(topology: Topology): CountyGeography {
  const objects = topology.objects as Record<string, GeometryCollection<{ name: string }>>;
  const { counties, states, nation } = objects;
  if (!counties || !states || !nation) throw new Error('topology lacks counties, states or nation');
  const stateFeatures = new Map(feature(topology, states).features.map((f) => [String(f.id), f as Feature<Geometry>]));
  const countyFeatures = feature(topology, counties).features.map((f) => ({ ...f, id: String(f.id) }) as CountyFeature);
  const labels = new Map(countyFeatures.map((f) => [f.id, `${f.properties.name}, ${placeName(f.id.slice(0, 2))}`]));
  return {
    counties: countyFeatures,
    stateBorders: mesh(topology, states, (a, b) => a !== b),
    states: stateFeatures,
    nation: feature(topology, nation),
    labels,
    countyBorders: (fips) =>
      mesh(topology, fips ? { ...counties, geometries: counties.geometries.filter((g) => fips.has(String(g.id))) } : counties, (a, b) => a !== b),
  };
}

export interface CountyMapInput {
  geography: CountyGeography;
  /** geography=county, unit=total rows for one measure and period. */
  rows: readonly AggregateRow[];
  value: ValueKind;
  /** Age-adjusted rates instead of crude ones (rate maps only). */
  adjusted: boolean;
  /** "Deaths" or "ED visits". */
  noun: string;
  measureLabel: string;
  periodLabel: string;
  width: number;
  /** A state FIPS: draw only its counties, zoomed in. Null: the nation. */
  focus: string | null;
  /** A county FIPS to outline. */
  selected: string | null;
  /** A cluster's counties to outline, its centre marked. */
  cluster?: { members: readonly string[]; centre: string } | null;
  /** Unique on the page: the hatch pattern's id. */
  id: string;
}

export type CountyClass = 'value' | 'suppressed' | 'none';

export interface CountyMapSummary {
  /** Counties with a value drawn in colour. */
  filled: number;
  suppressed: number;
  /** Events in the rows that have a count (suppressed rows have none). */
  total: number;
  /** Rows whose FIPS is not on the 2017 county map (e.g. Connecticut's 2022 planning regions). */
  unmapped: AggregateRow[];
}

/** The number a county is shaded by; null for "0 or no data" (a log scale cannot place 0). */
export function shadeValue(row: AggregateRow, value: ValueKind, adjusted: boolean): number | null {
  if (row.suppressed) return null;
  const v = value === 'rate' ? rateOf(row, adjusted).rate : row.count;
  return v !== null && v > 0 ? v : null;
}

export function classify(row: AggregateRow | undefined, value: ValueKind, adjusted: boolean): CountyClass {
  if (!row) return 'none';
  if (row.suppressed) return 'suppressed';
  return shadeValue(row, value, adjusted) === null ? 'none' : 'value';
}

export function summarizeCountyRows(input: Pick<CountyMapInput, 'geography' | 'rows' | 'value' | 'adjusted' | 'focus'>): CountyMapSummary {
  const known = input.geography.labels;
  const summary: CountyMapSummary = { filled: 0, suppressed: 0, total: 0, unmapped: [] };
  for (const row of input.rows) {
    if (input.focus && !row.geography.startsWith(input.focus)) continue;
    summary.total += row.count ?? 0;
    if (!known.has(row.geography)) summary.unmapped.push(row);
    else if (row.suppressed) summary.suppressed++;
    else if (shadeValue(row, input.value, input.adjusted) !== null) summary.filled++;
  }
  return summary;
}

interface Shaded {
  county: CountyFeature;
  row: AggregateRow;
  value: number;
}

/** What the map shows for one set of values: everything of it that depends on the rows, the measure and count or rate. */
interface CountyValues {
  counties: readonly CountyFeature[];
  shaded: Shaded[];
  suppressed: CountyFeature[];
  summary: CountyMapSummary;
  look: (county: CountyFeature) => CountyLook;
  ariaLabel: string;
  ariaDescription: string;
  /** The ramp's domain (the scale the fills come from), or null when nothing is shaded. */
  domain: number[] | null;
  unit: string;
  label: (fips: string) => string;
  hatch: string;
}

function countyValues(input: CountyMapInput): CountyValues {
  const { geography, value, adjusted, noun, measureLabel, periodLabel, focus } = input;
  const byFips = new Map(input.rows.map((row) => [row.geography, row]));
  const counties = countiesOf(geography, focus);
  const shaded: Shaded[] = [];
  const suppressed: CountyFeature[] = [];
  for (const county of counties) {
    const row = byFips.get(county.id);
    const kind = classify(row, value, adjusted);
    if (kind === 'value') shaded.push({ county, row: row!, value: shadeValue(row!, value, adjusted)! });
    else if (kind === 'suppressed') suppressed.push(county);
  }
  const summary = summarizeCountyRows({ ...input });
  const rateWord = adjusted ? 'Age-adjusted rate per 100,000' : `${noun} per 100,000 population`;
  const unit = value === 'rate' ? rateWord : noun;
  const label = (fips: string) => geography.labels.get(fips) ?? fips;
  const hatch = `${input.id}-hatch`;

  // The colour of a value: the scale the legend draws (log: counts and rates span powers of ten).
  const [low, high] = extent(shaded, (d) => d.value);
  const colour = scaleSequentialLog(interpolate).domain(low === undefined ? [1, 10] : low === high ? [low!, low! * 1.0001] : [low!, high!]);
  const shadedByFips = new Map(shaded.map((d) => [d.county.id, d]));
  const suppressedFips = new Set(suppressed.map((c) => c.id));
  const lower = noun.toLowerCase();
  const look = (county: CountyFeature): CountyLook => {
    const d = shadedByFips.get(county.id);
    if (d) return { fill: colour(d.value), title: tooltip(label(county.id), d.row, value, adjusted, noun), data: { 'data-value': String(d.value) } };
    if (suppressedFips.has(county.id)) return { fill: `url(#${hatch})`, title: `${label(county.id)}: suppressed (1–9 ${lower}, or hidden so a small count cannot be worked out)`, data: { 'data-suppressed': 'true' } };
    return { fill: NO_DATA_FILL, title: `${label(county.id)}: ${value === 'rate' ? `no rate (0 ${lower} or no population)` : `0 ${lower} or no data`}`, data: {} };
  };
  return {
    counties,
    shaded,
    suppressed,
    summary,
    look,
    ariaLabel: `Map of ${measureLabel.toLowerCase()} by county${focus ? ` in ${placeName(focus)}` : ''}, ${periodLabel}`,
    ariaDescription: describe(shaded, suppressed.length, value, label),
    domain: shaded.length ? colour.domain() : null,
    unit,
    label,
    hatch,
  };
}

function countiesOf(geography: CountyGeography, focus: string | null): readonly CountyFeature[] {
  return focus ? geography.counties.filter((c) => c.id.startsWith(focus)) : geography.counties;
}

/** The parts of the figure around the plot: the ramp before it; the notes, unmapped areas and the table after. */
function legendParts(input: CountyMapInput, v: CountyValues): { ramp: Element | null; after: HTMLElement[] } {
  // The legend apart from the plot: room on the left for the first tick label, on the ramp's edge.
  const ramp = v.domain
    ? Plot.legend({
        color: { type: 'log', domain: v.domain, interpolate },
        label: `${v.unit}, ${input.periodLabel}`,
        // A format string (not a function) lets d3's log scale thin the labels between powers of ten.
        tickFormat: ',~g',
        marginLeft: 8,
        width: 300,
      })
    : null;
  return {
    ramp,
    after: [
      legendNotes(input.value, input.noun, v.hatch, v.summary.suppressed > 0 || v.suppressed.length > 0, input.cluster != null, input.rows.length > 0),
      ...unmappedNote(v.summary.unmapped, input.noun),
      countyTable(v.shaded, v.suppressed, input.focus, v.label, input.noun),
    ],
  };
}

/**
 * What a map drew that does not depend on its values: the counties' outlines at this size and
 * place, the selected county, the cluster. Two inputs with the same layout differ only in fills,
 * titles, data attributes, the ARIA label and description, and the legend.
 */
function layoutOf(input: CountyMapInput): string {
  const cluster = input.cluster ? { members: [...input.cluster.members], centre: input.cluster.centre } : null;
  return JSON.stringify([input.width, input.focus, input.selected, cluster, input.id]);
}

/** A figure countyMap drew: its layout and the elements recolourCountyMap updates. */
interface DrawnMap {
  geography: CountyGeography;
  layout: string;
  plot: Element;
  /** The county paths, in the order of countiesOf(geography, focus), and how each is drawn now. */
  paths: Element[];
  looks: CountyLook[];
  ramp: Element | null;
  after: HTMLElement[];
}

/** Kept with each figure (a WeakMap: gone with it), so only a figure drawn here is recoloured. */
const drawnMaps = new WeakMap<Element, DrawnMap>();

const VALUE_ATTRIBUTES = ['data-value', 'data-suppressed'] as const;

export function countyMap(input: CountyMapInput): HTMLElement {
  const { geography, width, focus } = input;
  const v = countyValues(input);
  const { counties } = v;
  const looks = counties.map(v.look);
  const paths: Element[] = [];
  const area = focus ? geography.states.get(focus) ?? { type: 'FeatureCollection' as const, features: [...counties] } : geography.nation;
  const outlined = input.selected ? counties.filter((c) => c.id === input.selected) : [];
  const clusterMembers = new Set(input.cluster?.members ?? []);
  const clusterCounties = counties.filter((c) => clusterMembers.has(c.id));
  const centre = input.cluster ? counties.find((c) => c.id === input.cluster!.centre) : undefined;

  const plot = Plot.plot({
    width,
    // A state drawn alone may be tall (California): cap the height at the width.
    ...(focus ? { height: Math.round(Math.min(width, 720) * 0.75) } : {}),
    projection: { type: 'identity', domain: area },
    ariaLabel: v.ariaLabel,
    ariaDescription: v.ariaDescription,
    marks: [
      hatchDefs(v.hatch),
      countyLayer(geography, counties, focus, area, (i) => looks[i]!, paths),
      Plot.geo(clusterCounties, { stroke: '#000', strokeWidth: 2.5, fill: '#000', fillOpacity: 0.12, ariaHidden: 'true', className: 'cluster-outline' }),
      centre ? Plot.dot([centre], { ...Plot.centroid(), r: 4, fill: '#000', stroke: 'white', title: () => `Cluster centre: ${v.label(centre.id)}` }) : null,
      Plot.geo(outlined, { stroke: '#1f2328', strokeWidth: 3, ariaHidden: 'true', className: 'selected-outline' }),
    ],
  });

  const figure = document.createElement('figure');
  figure.className = 'county-map';
  const { ramp, after } = legendParts(input, v);
  if (ramp) figure.append(ramp);
  figure.append(plot, ...after);
  drawnMaps.set(figure, { geography, layout: layoutOf(input), plot, paths, looks, ramp, after });
  return figure;
}

/**
 * Recolours a map countyMap drew, in place, for new values with the same layout (another
 * measure, count ↔ rate, age adjustment): the fills, titles and data attributes of the county
 * paths, the ARIA label and description, and the legend, ramp and table; the result is the
 * figure countyMap(input) would draw (test/charts checks the two are the same, element for
 * element). Returns false, changing nothing, when `figure` is not a map countyMap drew with this
 * geography and layout (another size, state, selection or cluster): then draw it anew.
 *
 * Why a second function, when every chart is otherwise a pure function of its data: a national
 * map is ~3,100 paths with ~0.8 MB of path data. Drawn anew for another measure, the browser
 * styles, lays out and paints ~3,100 new elements (a task of 130–170 ms after vigil:map-drawn in
 * Chromium on the 2-core benchmark machine), most of the time from the answer to the redrawn map.
 * Recoloured, the paths stay: only the attributes that differ are set, only the paths whose fill
 * changed are restyled (their titles are beside them, not inside), and the time from the answer
 * to the painted overview went from ~250 to ~150 ms there. The values come from the same code as
 * countyMap's (countyValues, legendParts), so the two cannot drift apart.
 */
export function recolourCountyMap(figure: Element, input: CountyMapInput): boolean {
  const drawn = drawnMaps.get(figure);
  if (!drawn || drawn.geography !== input.geography || drawn.layout !== layoutOf(input)) return false;
  const v = countyValues(input);
  if (drawn.paths.length !== v.counties.length || drawn.plot.parentNode !== figure) return false;
  const looks = v.counties.map(v.look);
  looks.forEach((look, i) => {
    const path = drawn.paths[i]!;
    const was = drawn.looks[i]!;
    // Only what changed: an attribute set to its own value still restyles the path.
    if (look.fill !== was.fill) path.setAttribute('fill', look.fill);
    for (const name of VALUE_ATTRIBUTES) {
      const wanted = look.data[name];
      if (wanted === was.data[name]) continue;
      if (wanted === undefined) path.removeAttribute(name);
      else path.setAttribute(name, wanted);
    }
    if (look.title !== was.title) path.previousElementSibling!.textContent = look.title;
  });
  drawn.looks = looks;
  drawn.plot.setAttribute('aria-label', v.ariaLabel);
  drawn.plot.setAttribute('aria-description', v.ariaDescription);
  // The legend, notes and table are small: drawn anew, around the plot (which stays where it is).
  const { ramp, after } = legendParts(input, v);
  drawn.ramp?.remove();
  for (const element of drawn.after) element.remove();
  if (ramp) drawn.plot.before(ramp);
  drawn.plot.after(...after);
  drawn.ramp = ramp;
  drawn.after = after;
  return true;
}

interface CountyLook {
  fill: string;
  title: string;
  data: Record<string, string>;
}

type RenderFunction = NonNullable<Plot.MarkOptions['render']>;

/**
 * Outlines of counties are the costly part of a redraw (~0.8 MB of path data for the nation), and
 * they depend only on the map's size and place, not on the data: they are made once per size and
 * kept with the geography (a WeakMap: gone with it).
 */
interface Outlines {
  counties: Map<string, string>;
  countyBorders: string;
  stateBorders: string;
  /** The nation's or the state's edge. */
  outline: string;
}

const outlineCache = new WeakMap<CountyGeography, Map<string, Outlines>>();

function outlines(geography: CountyGeography, key: string, make: () => Outlines): Outlines {
  let byKey = outlineCache.get(geography);
  if (!byKey) outlineCache.set(geography, (byKey = new Map()));
  let found = byKey.get(key);
  if (!found) {
    found = make();
    byKey.set(key, found);
    if (byKey.size > 8) byKey.delete(byKey.keys().next().value!); // a few sizes and states
  }
  return found;
}

/**
 * Every county as its own path (data-fips, and data-value or data-suppressed) with its tooltip (a
 * title beside it, in the county's group), then the lines between counties and between states,
 * each drawn once (stroking every county would paint each border twice, and painting is most of a
 * redraw): a Plot mark drawing with the plot's own projection.
 */
function countyLayer(geography: CountyGeography, counties: readonly CountyFeature[], focus: string | null, area: Feature<Geometry> | FeatureCollection<Geometry>, look: (index: number) => CountyLook, made: Element[]): RenderFunction {
  return (_index, _scales, _values, dimensions, context) => {
    const paths = outlines(geography, `${dimensions.width}x${dimensions.height}:${focus ?? 'US'}`, () => {
      // One decimal is a tenth of a pixel: the same drawing in a third less text.
      const path = context.path().digits(1);
      return {
        counties: new Map(counties.map((c) => [c.id, path(c) ?? ''])),
        countyBorders: path(geography.countyBorders(focus ? new Set(counties.map((c) => c.id)) : null)) ?? '',
        stateBorders: focus ? '' : (path(geography.stateBorders) ?? ''),
        outline: path(area) ?? '',
      };
    });
    const ns = 'http://www.w3.org/2000/svg';
    const doc = context.document;
    const g = doc.createElementNS(ns, 'g');
    g.setAttribute('aria-label', 'counties');
    counties.forEach((county, i) => {
      const { fill, title, data } = look(i);
      // The tooltip beside the path in a group of their own, not inside the path: fill is
      // inherited, so a title inside a recoloured path is restyled with it (twice the elements).
      const group = doc.createElementNS(ns, 'g');
      const tip = doc.createElementNS(ns, 'title');
      tip.textContent = title;
      const element = doc.createElementNS(ns, 'path');
      element.setAttribute('d', paths.counties.get(county.id)!);
      element.setAttribute('fill', fill);
      element.setAttribute('data-fips', county.id);
      for (const [name, v] of Object.entries(data)) element.setAttribute(name, v);
      group.append(tip, element);
      g.append(group);
      made.push(element);
    });
    for (const [d, stroke, width] of [[paths.countyBorders, 'white', focus ? '0.75' : '0.25'], [paths.stateBorders, 'white', '1'], [paths.outline, '#777', '0.75']] as const) {
      if (!d) continue;
      const borders = doc.createElementNS(ns, 'path');
      for (const [k, v] of Object.entries({ d, fill: 'none', stroke, 'stroke-width': width, 'aria-hidden': 'true' })) borders.setAttribute(k, v);
      g.append(borders);
    }
    return g as unknown as SVGElement;
  };
}

function tooltip(name: string, row: AggregateRow, value: ValueKind, adjusted: boolean, noun: string): string {
  const n = row.count ?? 0;
  const counted = `${formatCount(n)} ${n === 1 ? noun.toLowerCase().replace(/s$/, '') : noun.toLowerCase()}`;
  if (value === 'count') return `${name}: ${counted}`;
  const { rate, lower, upper } = rateOf(row, adjusted);
  const shown = rate === null ? 'no rate' : `${formatRate(rate)} per 100,000${lower !== null && upper !== null ? ` (95% CI ${formatRate(lower)}–${formatRate(upper)})` : ''}`;
  return `${name}: ${shown} (${counted}${row.unreliable ? '; unreliable, fewer than 20' : ''})`;
}

function describe(shaded: Shaded[], suppressed: number, value: ValueKind, label: (fips: string) => string): string {
  const top = [...shaded].sort((a, b) => b.value - a.value).slice(0, 3);
  const format = value === 'rate' ? formatRate : formatCount;
  return `${shaded.length} counties with data, ${suppressed} suppressed. Highest: ${top.map((d) => `${label(d.county.id)} ${format(d.value)}`).join('; ')}.`;
}

function legendNotes(value: ValueKind, noun: string, hatch: string, anySuppressed: boolean, cluster: boolean, shaded: boolean): HTMLElement {
  const notes = document.createElement('div');
  notes.className = 'legend-notes';
  const lower = noun.toLowerCase();
  // A map drawn only to place a cluster shades nothing: no "no data" grey to explain.
  const grey =
    value === 'rate'
      ? `Grey: no rate (0 ${lower}, or no population estimate). Rates are over the whole period, not annualised.`
      : `Grey: 0 ${lower} or no data (counties without any are not reported separately).`;
  if (shaded) notes.append(noteWithSwatch('swatch-none', grey));
  if (anySuppressed) notes.append(noteWithSwatch('swatch-suppressed', `Hatched: suppressed, 1–9 ${lower} (or hidden so such a count cannot be worked out from totals).`));
  if (cluster) notes.append(noteWithSwatch('swatch-cluster', 'Black outline: the counties of the selected cluster; dot: its centre.'));
  notes.dataset['pattern'] = hatch;
  return notes;
}

function unmappedNote(unmapped: AggregateRow[], noun: string): HTMLElement[] {
  if (unmapped.length === 0) return [];
  const note = document.createElement('p');
  note.className = 'legend-note unmapped';
  const total = unmapped.reduce((sum, row) => sum + (row.count ?? 0), 0);
  const withheld = unmapped.filter((row) => row.suppressed).length;
  const codes = unmapped.slice(0, 5).map((row) => row.geography).join(', ');
  note.textContent =
    `Not on the map (county codes newer than the 2017 boundaries, or unknown): ${unmapped.length} area${unmapped.length === 1 ? '' : 's'}, ` +
    `${formatCount(total)} ${noun.toLowerCase()}${withheld ? ` shown, ${withheld} suppressed` : ''} (${codes}${unmapped.length > 5 ? ', …' : ''}). They count in their state and the nation.`;
  return [note];
}

/** The map as a table, for keyboard and screen-reader users: the top ten, or every county of a state. */
function countyTable(shaded: Shaded[], suppressed: CountyFeature[], focus: string | null, label: (fips: string) => string, noun: string): HTMLElement {
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = focus ? `Table: counties of ${placeName(focus)}` : 'Table: the 10 highest counties';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const text of ['County', 'FIPS', noun, 'Rate per 100,000']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    head.append(th);
  }
  const body = table.createTBody();
  const ranked = [...shaded].sort((a, b) => b.value - a.value);
  for (const d of focus ? ranked : ranked.slice(0, 10)) {
    const cells = [
      label(d.county.id),
      d.county.id,
      formatCount(d.row.count ?? 0),
      d.row.ratePer100k === null ? '–' : `${formatRate(d.row.ratePer100k)}${d.row.unreliable ? '*' : ''}`,
    ];
    const tr = body.insertRow();
    for (const text of cells) tr.insertCell().textContent = text;
  }
  if (focus) {
    for (const county of suppressed) {
      const tr = body.insertRow();
      for (const text of [label(county.id), county.id, 'suppressed', 'suppressed']) tr.insertCell().textContent = text;
    }
  }
  const footnote = document.createElement('p');
  footnote.className = 'legend-note';
  footnote.textContent = '* Unreliable: a rate from fewer than 20 (NCHS).';
  details.append(summary, table, footnote);
  return details;
}
