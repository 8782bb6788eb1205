/**
 * Choropleth of annualised overdose death rates over the period: the nation's states, or a state's
 * counties (a county report outlines its county). A pure function of its data. Classes are nice
 * round breaks of the shown rates, ColorBrewer YlOrRd (colour-blind safe); "0 deaths",
 * "suppressed" and "no rate" each get a grey of their own, named in the legend.
 */
import * as Plot from '@observablehq/plot';
import { schemeYlOrRd, ticks } from 'd3';
import type { Feature, FeatureCollection, Geometry, MultiLineString } from 'geojson';
import { formatRate } from '../format.ts';
import type { AreaFeature } from '../map-geography.ts';
import { CHART_WIDTH, framedChart, INK, SVG_NS, tagElements, type ChartText } from './frame.ts';

export interface MapArea {
  code: string;
  name: string;
  /** null: suppressed. */
  deaths: number | null;
  /** Deaths per 100,000 per year; null when suppressed, 0 deaths or no population. */
  rate: number | null;
}

export interface MapChartInput {
  areas: readonly MapArea[];
  /** The shapes of the areas that are on the map (2017 boundaries). */
  features: readonly AreaFeature[];
  /** What the map is fitted to: the state, or the nation. */
  outline: Feature<Geometry> | FeatureCollection<Geometry>;
  /** Borders drawn over the areas (state borders on a map of states' counties), if any. */
  borders: MultiLineString | null;
  highlight: string | null;
  text: ChartText;
}

export const ZERO_FILL = '#f2f2f2';
export const SUPPRESSED_FILL = '#9e9e9e';
export const NO_RATE_FILL = '#d9d9d9';
const MAP_HEIGHT = 430;
const LEGEND_HEIGHT = 44;

/** Upper bounds of the rate classes: round numbers between 0 and the highest rate, at most 5 breaks. */
export function classBreaks(rates: readonly number[]): number[] {
  const max = Math.max(0, ...rates);
  if (max === 0) return [];
  return ticks(0, max, 5).filter((t) => t > 0 && t < max);
}

function classColors(classes: number): string[] {
  if (classes >= 3) return [...schemeYlOrRd[Math.min(classes, 9)]!];
  return [...schemeYlOrRd[3]!].slice(3 - classes);
}

export function fillOf(area: MapArea | undefined, breaks: readonly number[], colors: readonly string[]): string {
  if (!area || (area.deaths !== null && area.deaths > 0 && area.rate === null)) return NO_RATE_FILL;
  if (area.deaths === null) return SUPPRESSED_FILL;
  if (area.deaths === 0) return ZERO_FILL;
  const index = breaks.findIndex((b) => area.rate! < b);
  return colors[index === -1 ? breaks.length : index]!;
}

export function placeMap(document: Document, input: MapChartInput): SVGSVGElement {
  const byCode = new Map(input.areas.map((a) => [a.code, a]));
  const breaks = classBreaks(input.areas.flatMap((a) => (a.rate === null ? [] : [a.rate])));
  const colors = classColors(breaks.length + 1);
  const drawn = input.features.map((feature) => ({ feature, area: byCode.get(feature.id), fill: fillOf(byCode.get(feature.id), breaks, colors) }));
  const highlighted = input.features.filter((f) => f.id === input.highlight);
  const describe = (d: (typeof drawn)[number]) => {
    const a = d.area;
    if (!a) return `${d.feature.properties.name}: no data`;
    if (a.deaths === null) return `${a.name}: suppressed`;
    return `${a.name}: ${a.deaths} deaths${a.rate === null ? '' : `, ${formatRate(a.rate)} per 100,000 per year`}`;
  };

  const map = Plot.plot({
    document,
    width: CHART_WIDTH,
    height: MAP_HEIGHT,
    margin: 8,
    projection: { type: 'identity', domain: input.outline },
    marks: [
      Plot.geo(drawn, {
        geometry: (d: (typeof drawn)[number]) => d.feature,
        fill: (d: (typeof drawn)[number]) => d.fill,
        stroke: 'white',
        strokeWidth: 0.5,
        title: describe,
        render: tagElements('path', (i) => {
          const area = drawn[i]!.area;
          const attributes: Record<string, string> = { 'data-fips': drawn[i]!.feature.id };
          if (area?.deaths === null) attributes['data-suppressed'] = 'true';
          else if (area) attributes['data-deaths'] = String(area.deaths);
          return attributes;
        }),
      }),
      ...(input.borders ? [Plot.geo(input.borders, { stroke: 'white', strokeWidth: 1.5 })] : []),
      Plot.geo(input.outline, { stroke: '#666666', strokeWidth: 0.75 }),
      ...(highlighted.length > 0 ? [Plot.geo(highlighted, { stroke: INK, strokeWidth: 2.5 })] : []),
    ],
  });

  return framedChart(
    document,
    input.text,
    [
      { element: legend(document, breaks, colors, input.areas.some((a) => a.rate !== null)), height: LEGEND_HEIGHT },
      { element: map as unknown as Element, height: MAP_HEIGHT },
    ],
    { id: 'map', ariaLabel: `${input.text.title}. ${input.text.subtitle}` },
  );
}

/** Swatches for the rate classes, then the three greys. */
function legend(document: Document, breaks: readonly number[], colors: readonly string[], hasRates: boolean): Element {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', String(CHART_WIDTH));
  svg.setAttribute('height', String(LEGEND_HEIGHT));
  svg.setAttribute('class', 'map-legend');
  const label = (n: number) => (breaks.every(Number.isInteger) ? String(n) : formatRate(n));
  // No shown rate: no classes, only the greys.
  const classes = !hasRates ? [] : [0, ...breaks].map((low, i) => ({
    fill: colors[i]!,
    label: breaks.length === 0 ? 'Any rate' : i === 0 ? `<${label(breaks[0]!)}` : i === breaks.length ? `${label(low)}+` : `${label(low)}–${label(breaks[i]!)}`,
  }));
  const items = [...classes, { fill: ZERO_FILL, label: '0 deaths' }, { fill: SUPPRESSED_FILL, label: 'Suppressed' }, { fill: NO_RATE_FILL, label: 'No rate' }];
  const caption = document.createElementNS(SVG_NS, 'text');
  caption.setAttribute('x', '16');
  caption.setAttribute('y', '12');
  caption.setAttribute('font-size', '11');
  caption.setAttribute('font-weight', 'bold');
  caption.setAttribute('fill', INK);
  caption.textContent = 'Deaths per 100,000 per year';
  svg.append(caption);
  let x = 16;
  for (const item of items) {
    const swatch = document.createElementNS(SVG_NS, 'rect');
    for (const [name, value] of Object.entries({ x, y: 20, width: 14, height: 14, fill: item.fill, stroke: '#888888', 'stroke-width': 0.5 })) swatch.setAttribute(name, String(value));
    const text = document.createElementNS(SVG_NS, 'text');
    for (const [name, value] of Object.entries({ x: x + 18, y: 31, 'font-size': 11, fill: INK })) text.setAttribute(name, String(value));
    text.textContent = item.label;
    svg.append(swatch, text);
    x += 18 + item.label.length * 6.2 + 14;
  }
  return svg;
}
