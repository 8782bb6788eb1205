// Pieces the charts share: the hatch pattern of suppressed cells, and legend notes with a swatch.
import type * as Plot from '@observablehq/plot';

type RenderFunction = NonNullable<Plot.MarkOptions['render']>;

/** A mark that only defines the diagonal hatch of suppressed cells, as pattern `id`. */
export function hatchDefs(id: string): RenderFunction {
  return (_index, _scales, _values, _dimensions, context) => {
    const ns = 'http://www.w3.org/2000/svg';
    const doc = context.document;
    const defs = doc.createElementNS(ns, 'defs');
    const pattern = doc.createElementNS(ns, 'pattern');
    // White with dark stripes: apart from the solid grey of "no data" even on a small county.
    for (const [k, v] of Object.entries({ id, width: '4', height: '4', patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' })) pattern.setAttribute(k, v);
    const background = doc.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ width: '4', height: '4', fill: '#ffffff' })) background.setAttribute(k, v);
    const line = doc.createElementNS(ns, 'line');
    for (const [k, v] of Object.entries({ x1: '0', y1: '0', x2: '0', y2: '4', stroke: '#57606a', 'stroke-width': '1.6' })) line.setAttribute(k, v);
    pattern.append(background, line);
    defs.append(pattern);
    return defs as unknown as SVGElement;
  };
}

/** A legend line: a swatch (styled by its class in styles.css) and its meaning in words. */
export function noteWithSwatch(swatchClass: string, text: string): HTMLElement {
  const note = document.createElement('p');
  note.className = 'legend-note';
  const swatch = document.createElement('span');
  swatch.className = `swatch ${swatchClass}`;
  swatch.setAttribute('aria-hidden', 'true');
  note.append(swatch, text);
  return note;
}
