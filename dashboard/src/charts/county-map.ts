// County choropleth: the count (or rate per 100,000) of the chosen measure over the period, one
// value per county; suppressed counties hatched, never coloured; the nation or one state; a
// selected county or a cluster's counties outlined. A pure function of its data: the page decides
// when to fetch, and handles clicks through the paths' data-fips.
import * as Plot from '@observablehq/plot';
import { extent, interpolateYlOrRd, scaleLog, scaleSequentialLog, type GeoStreamWrapper } from 'd3';
import type { Feature, Geometry, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';
import { rateOf, type AggregateRow } from '../api/aggregates.ts';
import type { ValueKind } from '../filters.ts';
import { formatCount, formatRate } from '../format.ts';
import { placeName } from '../places.ts';
import { atlasOf, type Atlas, type Bounds } from './atlas.ts';
import { hatchDefs, noteWithSwatch } from './marks.ts';

/** Light grey, darker than the lightest colour of the ramp, so "0 or no data" is never read as "low". */
export const NO_DATA_FILL = '#d4d4d4';

// YlOrRd is ColorBrewer's colour-blind-safe sequential scheme; its first 15% is near-white
// yellow, too close to the no-data grey on screen, so the ramp starts after it.
const interpolate = (t: number) => interpolateYlOrRd(0.15 + 0.85 * t);

/** How many colours the ramp is drawn in on the map (the legend's ramp is continuous). */
const RAMP_STEPS = 255;
/** The map's colours, step by step: made once, not interpolated and formatted for every county of every draw. */
const STEP_COLOURS: readonly string[] = Array.from({ length: RAMP_STEPS + 1 }, (_, step) => interpolate(step / RAMP_STEPS));

export type CountyFeature = Feature<Geometry, { name: string }> & { id: string };

/** A county as the map draws it. */
export interface CountyShape {
  /** 5-digit FIPS. */
  id: string;
  name: string;
  /** Its outline: path data in the topology's units (atlas.ts), drawn under the map's transform. */
  d: string;
  /** The centre of its bounds, in the topology's coordinates: its fill goes with the part of the map it is in. */
  centre: [number, number];
}

/** The nation or a state as a map frames it: its outline (path data, topology units) and bounds. */
export interface MapArea {
  /** In parts of the map (LINE_GRID), as every line drawn over the fills. */
  outline: string[];
  bounds: Bounds;
  /** The part of this map a point (the topology's coordinates) is in. */
  part: (x: number, y: number) => number;
}

export interface CountyGeography {
  counties: CountyShape[];
  /** "Mohave, Arizona" by 5-digit FIPS. */
  labels: Map<string, string>;
  atlas: Atlas;
  /** The nation (null) or a state by FIPS; null when it has no counties on the map. */
  area: (focus: string | null) => MapArea | null;
  /** The lines between the counties of a state (or of the nation), each drawn once, not the coast, in parts. */
  countyBorders: (focus: string | null) => string[];
  /** The lines between states (not the coast), for the national view, in parts. */
  stateBorders: () => string[];
  /** A county as GeoJSON, for Plot's marks: the selected county's or a cluster's outline, a centre. */
  feature: (fips: string) => CountyFeature | undefined;
}

/**
 * Once per page: the pre-projected us-atlas topology as path data (atlas.ts says why not GeoJSON
 * features). `states` keeps only those states' counties, their outlines as the "nation" and the
 * borders between them (the saved-chart tests draw a small map).
 */
export function countyGeography(topology: Topology, states?: readonly string[]): CountyGeography {
  const objects = topology.objects as Record<string, GeometryCollection<{ name: string }>>;
  const { counties, states: stateObjects, nation } = objects;
  if (!counties || !stateObjects || !nation) throw new Error('topology lacks counties, states or nation');
  const atlas = atlasOf(topology);
  const chosen = (g: GeometryObject) => !states || states.includes(String(g.id).slice(0, 2));
  const countyGeometries = counties.geometries.filter(chosen);
  const stateGeometries = stateObjects.geometries.filter(chosen);
  const stateById = new Map(stateGeometries.map((g) => [String(g.id), g]));
  const countyById = new Map(countyGeometries.map((g) => [String(g.id), g]));
  const shapes = countyGeometries.map((g): CountyShape => {
    const bounds = atlas.bounds([g]) ?? [[0, 0], [0, 0]];
    return { id: String(g.id), name: (g.properties as { name?: string } | undefined)?.name ?? String(g.id), d: atlas.polygonPath(g), centre: [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2] };
  });
  let stateBorders: string[] | undefined;
  const inState = (focus: string | null) => (focus ? countyGeometries.filter((g) => String(g.id).startsWith(focus)) : countyGeometries);
  const area = memo((focus): MapArea | null => {
    const state = focus ? stateById.get(focus) : undefined;
    // A state not in the topology's states (none today) is framed and outlined by its counties.
    const geometries = focus ? (state ? [state] : inState(focus)) : states ? stateGeometries : nation.geometries;
    const bounds = atlas.bounds(geometries);
    if (!bounds) return null;
    const part = linePart(bounds);
    return { outline: atlas.linePaths(geometries, { shared: false, part }), bounds, part };
  });
  const partOf = (focus: string | null) => (area(focus) ?? area(null))?.part;
  return {
    counties: shapes,
    labels: new Map(shapes.map((c) => [c.id, `${c.name}, ${placeName(c.id.slice(0, 2))}`])),
    atlas,
    area,
    countyBorders: memo((focus) => atlas.linePaths(inState(focus), { shared: true, part: partOf(focus) })),
    stateBorders: () => (stateBorders ??= atlas.linePaths(stateGeometries, { shared: true, part: partOf(null) })),
    feature: memo((fips) => {
      const geometry = fips === null ? undefined : countyById.get(fips);
      return geometry && ({ ...feature(topology, geometry), id: fips } as CountyFeature);
    }),
  };
}

/**
 * The lines drawn over the fills (borders, outline) are cut into LINE_GRID × LINE_GRID parts of
 * the map, by where each line starts. Chromium rasterises a layer in tiles and draws into each
 * tile every path that reaches it: the national county borders as one path were stroked whole
 * into every tile, half of a recolour's raster (~60 ms on the 2-core benchmark machine, ~30 in
 * parts; ~26 without any lines).
 */
const LINE_GRID = 8;

function linePart([[x0, y0], [x1, y1]]: Bounds): (x: number, y: number) => number {
  const cell = (v: number, low: number, high: number) => Math.min(LINE_GRID - 1, Math.max(0, Math.floor(((v - low) / (high - low || 1)) * LINE_GRID)));
  return (x, y) => cell(x, x0, x1) * LINE_GRID + cell(y, y0, y1);
}

/** A function of one key, computed once per key. */
function memo<T>(make: (key: string | null) => T): (key: string | null) => T {
  const made = new Map<string | null, T>();
  return (key) => {
    if (!made.has(key)) made.set(key, make(key));
    return made.get(key)!;
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
  county: CountyShape;
  row: AggregateRow;
  value: number;
}

/** What the map shows for one set of values: everything of it that depends on the rows, the measure and count or rate. */
interface CountyValues {
  counties: readonly CountyShape[];
  shaded: Shaded[];
  suppressed: CountyShape[];
  summary: CountyMapSummary;
  look: (county: CountyShape) => CountyLook;
  /** A county's tooltip: made only for the counties a pointer goes over (countyLayer). */
  title: (county: CountyShape) => string;
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
  const suppressed: CountyShape[] = [];
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
  const scale = scaleSequentialLog(interpolate).domain(low === undefined ? [1, 10] : low === high ? [low!, low! * 1.0001] : [low!, high!]);
  // One of RAMP_STEPS colours along the ramp, not one per value: the counties of a colour are
  // filled as one path (paintFills), and adjacent steps differ by less than the eye can tell.
  const position = scaleLog().domain(scale.domain()).range([0, 1]).clamp(true);
  const colour = (v: number) => STEP_COLOURS[Math.round(position(v) * RAMP_STEPS)]!;
  const shadedByFips = new Map(shaded.map((d) => [d.county.id, d]));
  const suppressedFips = new Set(suppressed.map((c) => c.id));
  const lower = noun.toLowerCase();
  const look = (county: CountyShape): CountyLook => {
    const d = shadedByFips.get(county.id);
    if (d) return { fill: colour(d.value), data: { 'data-value': String(d.value) } };
    if (suppressedFips.has(county.id)) return { fill: `url(#${hatch})`, data: { 'data-suppressed': 'true' } };
    return { fill: NO_DATA_FILL, data: {} };
  };
  const title = (county: CountyShape): string => {
    const d = shadedByFips.get(county.id);
    if (d) return tooltip(label(county.id), d.row, value, adjusted, noun);
    if (suppressedFips.has(county.id)) return `${label(county.id)}: suppressed (1–9 ${lower}, or hidden so a small count cannot be worked out)`;
    return `${label(county.id)}: ${value === 'rate' ? `no rate (0 ${lower} or no population)` : `0 ${lower} or no data`}`;
  };
  return {
    counties,
    shaded,
    suppressed,
    summary,
    look,
    title,
    ariaLabel: `Map of ${measureLabel.toLowerCase()} by county${focus ? ` in ${placeName(focus)}` : ''}, ${periodLabel}`,
    ariaDescription: describe(shaded, suppressed.length, value, label),
    domain: shaded.length ? scale.domain() : null,
    unit,
    label,
    hatch,
  };
}

/** The nation or the state a map shows; a state with no county on the map (none today) shows the nation's frame, empty. */
function areaOf(geography: CountyGeography, focus: string | null): MapArea {
  return geography.area(focus) ?? geography.area(null)!;
}

function countiesOf(geography: CountyGeography, focus: string | null): readonly CountyShape[] {
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
  /** The group of the fills: one path per colour and part of the map (paintFills). */
  fills: Element;
  /** Makes the county paths (from `looks` as they are then), while they are still to come: addCountyPaths. */
  pending: (() => void) | null;
  looks: CountyLook[];
  /** The values the tooltips are made from: replaced by a recolour. */
  shown: { values: CountyValues };
  ramp: Element | null;
  after: HTMLElement[];
}

/** Kept with each figure (a WeakMap: gone with it), so only a figure drawn here is recoloured. */
const drawnMaps = new WeakMap<Element, DrawnMap>();

const VALUE_ATTRIBUTES = ['data-value', 'data-suppressed'] as const;

/**
 * @param options.countyPathsLater leave out the county paths (pointer, tooltip, data attributes:
 *   they paint nothing) until addCountyPaths(figure) puts them in, for a caller that shows the
 *   map first (overview-draw.ts). The figure says `data-county-paths="pending"` until then, and
 *   is then the one drawn without the option.
 */
export function countyMap(input: CountyMapInput, options: { countyPathsLater?: boolean } = {}): HTMLElement {
  const { geography, width, focus } = input;
  const v = countyValues(input);
  const { counties } = v;
  const looks = counties.map(v.look);
  const layer: DrawnLayer = { paths: [], fills: null, later: options.countyPathsLater === true, pending: null };
  const shown = { values: v };
  const area = areaOf(geography, focus);
  const features = (fips: (id: string) => boolean) => counties.filter((c) => fips(c.id)).map((c) => geography.feature(c.id)!);
  const outlined = input.selected ? features((id) => id === input.selected) : [];
  const clusterMembers = new Set(input.cluster?.members ?? []);
  const clusterCounties = features((id) => clusterMembers.has(id));
  const centre = input.cluster ? features((id) => id === input.cluster!.centre)[0] : undefined;
  const figure = document.createElement('figure');
  figure.className = 'county-map';

  const plot = Plot.plot({
    width,
    // A state drawn alone may be tall (California): cap the height at the width.
    ...(focus ? { height: Math.round(Math.min(width, 720) * 0.75) } : {}),
    projection: { type: 'identity', domain: boundsPolygon(area.bounds) },
    ariaLabel: v.ariaLabel,
    ariaDescription: v.ariaDescription,
    marks: [
      hatchDefs(v.hatch),
      countyLayer(geography, counties, focus, area, () => drawnMaps.get(figure)?.looks ?? looks, (i) => shown.values.title(shown.values.counties[i]!), layer),
      Plot.geo(clusterCounties, { stroke: '#000', strokeWidth: 2.5, fill: '#000', fillOpacity: 0.12, ariaHidden: 'true', className: 'cluster-outline' }),
      centre ? Plot.dot([centre], { ...Plot.centroid(), r: 4, fill: '#000', stroke: 'white', title: () => `Cluster centre: ${v.label(centre.id)}` }) : null,
      Plot.geo(outlined, { stroke: '#1f2328', strokeWidth: 3, ariaHidden: 'true', className: 'selected-outline' }),
    ],
  });

  plot.classList.add('county-map-plot'); // a compositing layer of its own: styles.css
  const { ramp, after } = legendParts(input, v);
  if (ramp) figure.append(ramp);
  figure.append(plot, ...after);
  if (layer.pending) figure.dataset['countyPaths'] = 'pending';
  drawnMaps.set(figure, { geography, layout: layoutOf(input), plot, paths: layer.paths, fills: layer.fills!, pending: layer.pending, looks, shown, ramp, after });
  return figure;
}

/**
 * Puts in the county paths of a map drawn with `countyPathsLater`, as the map is now (recoloured
 * or not); false when there were none to come. Why later: they are ~3,100 elements with ~0.8 MB
 * of path data that paint nothing, and making them, then parsing their data and styling them in
 * Chromium, stood between the answer and the first map: shown without them, the first map of a
 * cold load came 4-9% sooner on the 2-core benchmark machine (bench/dashboard-ab.ts: 1,358
 * against 1,461 ms), the paths ~250 ms after it. Until they are in, a pointer finds no county.
 */
export function addCountyPaths(figure: Element): boolean {
  const drawn = drawnMaps.get(figure);
  if (!drawn?.pending) return false;
  drawn.pending();
  drawn.pending = null;
  delete (figure as HTMLElement).dataset['countyPaths'];
  return true;
}

/**
 * Recolours a map countyMap drew, in place, for new values with the same layout (another
 * measure, count ↔ rate, age adjustment): the fills, the data attributes and tooltips made so far
 * of the county paths, the ARIA label and description, and the legend, ramp and table; the result is the
 * figure countyMap(input) would draw (test/charts checks the two are the same, element for
 * element). Returns false, changing nothing, when `figure` is not a map countyMap drew with this
 * geography and layout (another size, state, selection or cluster): then draw it anew.
 *
 * Why a second function, when every chart is otherwise a pure function of its data: a national
 * map is ~3,100 paths with ~0.8 MB of path data. Drawn anew for another measure, the browser
 * styles, lays out and paints ~3,100 new elements (a task of 130–170 ms after vigil:map-drawn in
 * Chromium on the 2-core benchmark machine), most of the time from the answer to the redrawn map.
 * Recoloured, the county paths stay (only the data attributes that differ are set) and only the
 * fill paths are made anew (a few hundred: paintFills); the time from the answer to the painted
 * overview went from ~250 to ~150 ms there, before the fills were grouped. The values come from
 * the same code as countyMap's (countyValues, legendParts), so the two cannot drift apart.
 */
export function recolourCountyMap(figure: Element, input: CountyMapInput): boolean {
  const drawn = drawnMaps.get(figure);
  if (!drawn || drawn.geography !== input.geography || drawn.layout !== layoutOf(input)) return false;
  const v = countyValues(input);
  if (drawn.paths.length !== (drawn.pending ? 0 : v.counties.length) || drawn.plot.parentNode !== figure) return false;
  const looks = v.counties.map(v.look);
  // County paths still to come (addCountyPaths) are made from the new looks: only those made are updated.
  drawn.paths.forEach((path, i) => {
    const look = looks[i]!;
    const was = drawn.looks[i]!;
    for (const name of VALUE_ATTRIBUTES) {
      const wanted = look.data[name];
      if (wanted === was.data[name]) continue;
      if (wanted === undefined) path.removeAttribute(name);
      else path.setAttribute(name, wanted);
    }
    // A tooltip a pointer has made (a title inside the path) says the new value.
    const tip = path.firstElementChild;
    if (tip) tip.textContent = v.title(v.counties[i]!);
  });
  paintFills(drawn.fills, v.counties, looks, areaOf(input.geography, input.focus).part);
  drawn.looks = looks;
  drawn.shown.values = v;
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
  data: Record<string, string>;
}

type RenderFunction = NonNullable<Plot.MarkOptions['render']>;

/** The area's bounding box as a polygon: what Plot fits its identity projection to. */
function boundsPolygon([[x0, y0], [x1, y1]]: Bounds): Polygon {
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] };
}

/**
 * The SVG transform from the topology's units to the plot's pixels. Plot's identity projection,
 * fit to the area, only scales and translates: read off where it puts two points of the area.
 */
function pixelTransform(projection: GeoStreamWrapper | undefined, [[x0, y0], [x1, y1]]: Bounds, atlas: Atlas): string {
  const project = ([x, y]: [number, number]): [number, number] => {
    if (!projection) return [x, y];
    let out: [number, number] = [x, y];
    const sink = { point: (px: number, py: number) => void (out = [px, py]), lineStart() {}, lineEnd() {}, polygonStart() {}, polygonEnd() {}, sphere() {} };
    projection.stream(sink).point(x, y);
    return out;
  };
  const a: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const b: [number, number] = [a[0] + ((x1 - x0) / 4 || 1), a[1] + ((y1 - y0) / 4 || 1)];
  const [pa, pb] = [project(a), project(b)];
  const k = x1 > x0 ? (pb[0] - pa[0]) / (b[0] - a[0]) : (pb[1] - pa[1]) / (b[1] - a[1]);
  const [sx, sy] = atlas.scale;
  const [tx, ty] = atlas.translate;
  const terms = [k * sx, 0, 0, k * sy, k * tx + pa[0] - k * a[0], k * ty + pa[1] - k * a[1]];
  return `matrix(${terms.map((t) => +t.toPrecision(8)).join(' ')})`;
}

/**
 * What countyLayer made, for recolourCountyMap: the county paths in order, and the fills' group;
 * with `later`, the paths are not made yet and `pending` makes them (addCountyPaths).
 */
interface DrawnLayer {
  paths: Element[];
  fills: Element | null;
  later: boolean;
  pending: (() => void) | null;
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * The counties' fills: one path per colour and part of the map (LINE_GRID), the outlines of its
 * counties one after another.
 *
 * Why not a fill on each county's path: a recolour then restyles ~3,100 elements (25-40 ms of
 * style recalculation in Chromium on the 2-core benchmark machine, whatever way the colour is
 * set). The county paths above the fills stay for what is per county (pointer, tooltip, data
 * attributes, outline on hover) and paint nothing; a data attribute's change restyles nothing.
 * By part, because Chromium rasterises in tiles and draws into a tile every path that reaches it.
 */
function paintFills(group: Element, counties: readonly CountyShape[], looks: readonly CountyLook[], part: (x: number, y: number) => number): void {
  const byFill = new Map<string, { fill: string; outlines: string[] }>();
  looks.forEach((look, i) => {
    const county = counties[i]!;
    const key = `${part(county.centre[0], county.centre[1])} ${look.fill}`;
    let found = byFill.get(key);
    if (!found) byFill.set(key, (found = { fill: look.fill, outlines: [] }));
    found.outlines.push(county.d);
  });
  const doc = group.ownerDocument;
  group.replaceChildren(
    ...[...byFill.values()].map(({ fill, outlines }) => {
      const path = doc.createElementNS(SVG, 'path');
      path.setAttribute('d', outlines.join(''));
      path.setAttribute('fill', fill);
      return path;
    }),
  );
}

/**
 * The fills (paintFills), then every county as its own path (data-fips, and data-value or
 * data-suppressed) that paints nothing but takes the pointer, then the lines between counties and
 * between states, each drawn once (stroking every county would paint each border twice, and
 * painting is most of a redraw), in parts of the map (LINE_GRID). The paths are in the topology's
 * units under one transform (atlas.ts), so strokes keep their width in pixels (vector-effect).
 *
 * A county's tooltip (a title inside its path) is made when a pointer first goes over it, not for
 * all ~3,100 counties on every draw: building and writing their texts was a third of a redraw's
 * script, and a title per path doubled the elements the browser styles.
 */
function countyLayer(
  geography: CountyGeography,
  counties: readonly CountyShape[],
  focus: string | null,
  area: MapArea,
  /** How the counties are drawn when their paths are made (a recolour before addCountyPaths changes it). */
  looksNow: () => readonly CountyLook[],
  tooltip: (index: number) => string,
  made: DrawnLayer,
): RenderFunction {
  return (_index, _scales, _values, _dimensions, context) => {
    const doc = context.document;
    const g = doc.createElementNS(SVG, 'g');
    g.setAttribute('aria-label', 'counties');
    g.setAttribute('transform', pixelTransform(context.projection, area.bounds, geography.atlas));
    const fills = doc.createElementNS(SVG, 'g');
    fills.setAttribute('aria-hidden', 'true');
    fills.setAttribute('class', 'county-fills');
    paintFills(fills, counties, looksNow(), area.part);
    g.append(fills);
    made.fills = fills;
    const indices = new Map<EventTarget, number>();
    // The county paths go between the fills and the lines drawn over them.
    const makePaths = (before: Node | null) => {
      const looks = looksNow();
      const paths = doc.createDocumentFragment();
      counties.forEach((county, i) => {
        const element = doc.createElementNS(SVG, 'path');
        element.setAttribute('d', county.d);
        element.setAttribute('fill', 'none');
        element.setAttribute('pointer-events', 'all');
        element.setAttribute('data-fips', county.id);
        for (const [name, v] of Object.entries(looks[i]!.data)) element.setAttribute(name, v);
        paths.append(element);
        made.paths.push(element);
        indices.set(element, i);
      });
      g.insertBefore(paths, before);
    };
    if (!made.later) makePaths(null);
    g.addEventListener('pointerover', (event) => {
      const i = indices.get(event.target!);
      const path = event.target as Element;
      if (i === undefined || path.firstElementChild) return;
      const tip = doc.createElementNS(SVG, 'title');
      tip.textContent = tooltip(i);
      path.append(tip);
    });
    const lines = [
      [geography.countyBorders(focus), 'white', focus ? '0.75' : '0.25'],
      [focus ? [] : geography.stateBorders(), 'white', '1'],
      [area.outline, '#777', '0.75'],
    ] as const;
    for (const [parts, stroke, width] of lines) {
      if (parts.length === 0) continue;
      const group = doc.createElementNS(SVG, 'g');
      const attributes = { fill: 'none', stroke, 'stroke-width': width, 'aria-hidden': 'true' };
      for (const [k, v] of Object.entries(attributes)) group.setAttribute(k, v);
      for (const d of parts) {
        const line = doc.createElementNS(SVG, 'path');
        line.setAttribute('d', d);
        line.setAttribute('vector-effect', 'non-scaling-stroke'); // not inherited
        group.append(line);
      }
      g.append(group);
    }
    if (made.later) made.pending = () => makePaths(fills.nextSibling);
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
function countyTable(shaded: Shaded[], suppressed: CountyShape[], focus: string | null, label: (fips: string) => string, noun: string): HTMLElement {
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
