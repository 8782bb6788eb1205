/**
 * One standalone SVG per chart: a white page with the title, a subtitle, the plot(s) stacked below,
 * notes at the foot and, on unsuppressed versions, the "not for public release" marking. The same
 * element is inlined in the HTML report and rasterised for the PNG, so a chart pasted into a
 * briefing says what it shows, for where and when, and whether it may be shared.
 */
import type * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export const SVG_NS = 'http://www.w3.org/2000/svg';

export const CHART_WIDTH = 720;
const PADDING = 16;
const TITLE_SIZE = 16;
const TEXT_SIZE = 12;
const NOTE_SIZE = 11;
const LINE = 16;
/** A conservative average glyph width of DejaVu Sans / system sans at 11 px, for wrapping notes. */
const NOTE_CHAR_WIDTH = 6.2;

export const INK = '#1a1a1a';
export const MUTED = '#555555';
export const MARKING_RED = '#b00020';

export interface ChartText {
  title: string;
  subtitle: string;
  notes: string[];
  /** "NOT FOR PUBLIC RELEASE", or null for the public version. */
  marking: string | null;
}

export interface PlotBlock {
  element: Element;
  height: number;
}

/** A fresh document for one render: linkedom's DOM stands in for the browser's, as Plot needs one. */
export function chartDocument(): Document {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as Document;
}

/** Splits text into lines of at most `maxChars` characters at spaces. */
export function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function text(document: Document, content: string, attributes: Record<string, string | number>): Element {
  const element = document.createElementNS(SVG_NS, 'text');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.textContent = content;
  return element;
}

export function framedChart(document: Document, chart: ChartText, blocks: readonly PlotBlock[], options: { id: string; ariaLabel: string }): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const noteLines = chart.notes.flatMap((note) => wrap(note, Math.floor((CHART_WIDTH - 2 * PADDING) / NOTE_CHAR_WIDTH)));
  const top = PADDING + TITLE_SIZE + 6 + LINE + 10;
  const plotsHeight = blocks.reduce((sum, b) => sum + b.height, 0);
  const height = Math.ceil(top + plotsHeight + (noteLines.length > 0 ? 8 + noteLines.length * LINE : 0) + PADDING);
  svg.setAttribute('xmlns', SVG_NS);
  svg.setAttribute('width', String(CHART_WIDTH));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${CHART_WIDTH} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', options.ariaLabel);
  svg.setAttribute('class', `report-chart chart-${options.id}`);
  svg.setAttribute('data-chart', options.id);
  svg.setAttribute('font-family', 'system-ui, sans-serif');

  const background = document.createElementNS(SVG_NS, 'rect');
  for (const [name, value] of Object.entries({ width: CHART_WIDTH, height, fill: 'white' })) background.setAttribute(name, String(value));
  svg.append(background);
  svg.append(text(document, chart.title, { x: PADDING, y: PADDING + TITLE_SIZE - 2, 'font-size': TITLE_SIZE, 'font-weight': 'bold', fill: INK, class: 'chart-title' }));
  svg.append(text(document, chart.subtitle, { x: PADDING, y: PADDING + TITLE_SIZE + 6 + TEXT_SIZE, 'font-size': TEXT_SIZE, fill: MUTED }));
  if (chart.marking) {
    svg.append(
      text(document, chart.marking, { x: CHART_WIDTH - PADDING, y: PADDING + TITLE_SIZE - 2, 'font-size': TEXT_SIZE, 'font-weight': 'bold', fill: MARKING_RED, 'text-anchor': 'end', class: 'chart-marking' }),
    );
  }
  let y = top;
  for (const block of blocks) {
    block.element.setAttribute('x', '0');
    block.element.setAttribute('y', String(y));
    svg.append(block.element);
    y += block.height;
  }
  y += 8;
  for (const line of noteLines) {
    y += LINE;
    svg.append(text(document, line, { x: PADDING, y: y - 4, 'font-size': NOTE_SIZE, fill: MUTED, class: 'chart-note' }));
  }
  return svg;
}

/** Standalone SVG markup of a chart, for rasterising. */
export function svgMarkup(svg: SVGSVGElement): string {
  return svg.outerHTML;
}

type RenderFunction = NonNullable<Plot.MarkOptions['render']>;

/** A Plot render transform: draws the mark, then sets attributes from each datum on its `tag` elements. */
export function tagElements(tag: string, attributes: (i: number) => Record<string, string>): RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context);
    const drawn = g ? [...g.children].filter((child) => child.tagName.toLowerCase() === tag) : [];
    index.forEach((i, j) => {
      const element = drawn[j];
      if (element) for (const [name, value] of Object.entries(attributes(i))) element.setAttribute(name, value);
    });
    return g;
  };
}
