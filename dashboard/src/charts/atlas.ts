// SVG path data read straight off a quantized TopoJSON topology's arcs (us-atlas's pre-projected
// counties), in the topology's integer units: no GeoJSON features, no projection and no stitching
// of lines. The map draws these paths under one transform (quantized units → pixels), so they are
// made once per page, whatever the map's size or the state it is zoomed to.
//
// Why: made the usual way (topojson feature and mesh, then d3-geo's path at the map's size), the
// national map's ~3,100 county outlines and its borders took 250-500 ms of a cold load in
// Chromium on the 2-core benchmark machine, most of the time to the first map. The arcs of a
// quantized topology are already integer deltas, which is what an SVG path's relative `l`
// command takes, so here a county's outline is mostly its arcs' deltas written out.
import type { GeometryObject, Topology } from 'topojson-specification';

/** [[x0, y0], [x1, y1]] in the topology's own (pre-projected) coordinates. */
export type Bounds = [[number, number], [number, number]];

/** A polygon or multipolygon of the topology: rings of arc indices (negative: reversed, ~i). */
type PolygonLike = { type: 'Polygon'; arcs: number[][] } | { type: 'MultiPolygon'; arcs: number[][][] };

export interface Atlas {
  /** Topology units → the topology's coordinates: x = q·scale[0] + translate[0] (same for y). */
  scale: [number, number];
  translate: [number, number];
  /** The outline of polygons as path data in topology units ('' for anything else). */
  polygonPath(geometry: GeometryObject): string;
  /**
   * Lines of `geometries` as path data, each arc once: with `shared`, only the arcs two different
   * geometries share (their common borders, not the coast), else every arc (their outline, with
   * any borders between them). `part` sorts the arcs by where they start (the topology's
   * coordinates) into separate paths (county-map.ts: LINE_GRID says why).
   */
  linePaths(geometries: readonly GeometryObject[], options: LineOptions): string[];
  /** The bounding box of polygons, in the topology's coordinates (null when there are none). */
  bounds(geometries: readonly GeometryObject[]): Bounds | null;
}

export interface LineOptions {
  shared: boolean;
  /** The part of the map a point is in (any small integer); all in one path without it. */
  part?: (x: number, y: number) => number;
}

/** Throws on a topology this cannot read: one without quantization (arcs of absolute floats). */
export function atlasOf(topology: Topology): Atlas {
  if (!topology.transform) throw new Error('the county topology is not quantized (no transform)');
  const arcs = topology.arcs;
  const count = arcs.length;
  // Per arc: its first point (absolute, in topology units) and the sum of its deltas; the
  // deltas written out forwards, and (when a ring uses it reversed) backwards; its bounds.
  const startX = new Float64Array(count);
  const startY = new Float64Array(count);
  const endX = new Float64Array(count);
  const endY = new Float64Array(count);
  const box = new Float64Array(count * 4);
  for (let i = 0; i < count; i++) {
    const arc = arcs[i]!;
    let x = arc[0]![0]!;
    let y = arc[0]![1]!;
    startX[i] = x;
    startY[i] = y;
    let x0 = x, y0 = y, x1 = x, y1 = y;
    for (let j = 1; j < arc.length; j++) {
      x += arc[j]![0]!;
      y += arc[j]![1]!;
      if (x < x0) x0 = x;
      else if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      else if (y > y1) y1 = y;
    }
    endX[i] = x;
    endY[i] = y;
    box.set([x0, y0, x1, y1], i * 4);
  }
  const forward: (string | undefined)[] = new Array(count);
  const backward: (string | undefined)[] = new Array(count);
  const deltas = (i: number, reversed: boolean): string => {
    const cache = reversed ? backward : forward;
    let text = cache[i];
    if (text === undefined) {
      const arc = arcs[i]!;
      text = '';
      if (reversed) for (let j = arc.length - 1; j >= 1; j--) text += pair(-arc[j]![0]!, -arc[j]![1]!);
      else for (let j = 1; j < arc.length; j++) text += pair(arc[j]![0]!, arc[j]![1]!);
      cache[i] = text;
    }
    return text;
  };
  const ring = (refs: readonly number[]): string => {
    if (refs.length === 0) return '';
    const first = refs[0]!;
    const i = first < 0 ? ~first : first;
    // Each arc after the first starts where the one before ended: only its deltas are written.
    let text = first < 0 ? `M${endX[i]} ${endY[i]}l` : `M${startX[i]} ${startY[i]}l`;
    for (const ref of refs) text += ref < 0 ? deltas(~ref, true) : deltas(ref, false);
    return text + 'z';
  };
  const polygons = (geometry: GeometryObject): number[][][] => {
    const shape = geometry as unknown as PolygonLike;
    if (shape.type === 'Polygon') return [shape.arcs];
    if (shape.type === 'MultiPolygon') return shape.arcs;
    return [];
  };
  return {
    scale: [topology.transform.scale[0], topology.transform.scale[1]],
    translate: [topology.transform.translate[0], topology.transform.translate[1]],
    polygonPath: (geometry) => polygons(geometry).map((rings) => rings.map(ring).join('')).join(''),
    linePaths(geometries, { shared, part = () => 0 }) {
      // Who uses each arc: the first geometry, and a second one if another uses it too.
      const first = new Int32Array(count).fill(-1);
      const second = new Int32Array(count).fill(-1);
      geometries.forEach((geometry, g) => {
        for (const rings of polygons(geometry))
          for (const refs of rings)
            for (const ref of refs) {
              const i = ref < 0 ? ~ref : ref;
              if (first[i] === -1) first[i] = g;
              else if (first[i] !== g) second[i] = g;
            }
      });
      const [sx, sy] = topology.transform!.scale;
      const [tx, ty] = topology.transform!.translate;
      const parts = new Map<number, string>();
      for (let i = 0; i < count; i++) {
        if (first[i] === -1 || (shared && second[i] === -1)) continue;
        const at = part(startX[i]! * sx + tx, startY[i]! * sy + ty);
        parts.set(at, (parts.get(at) ?? '') + `M${startX[i]} ${startY[i]}l${deltas(i, false)}`);
      }
      return [...parts.values()];
    },
    bounds(geometries) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const geometry of geometries)
        for (const rings of polygons(geometry))
          for (const refs of rings)
            for (const ref of refs) {
              const at = (ref < 0 ? ~ref : ref) * 4;
              x0 = Math.min(x0, box[at]!);
              y0 = Math.min(y0, box[at + 1]!);
              x1 = Math.max(x1, box[at + 2]!);
              y1 = Math.max(y1, box[at + 3]!);
            }
      if (x0 === Infinity) return null;
      const [sx, sy] = topology.transform!.scale;
      const [tx, ty] = topology.transform!.translate;
      return [[x0 * sx + tx, y0 * sy + ty], [x1 * sx + tx, y1 * sy + ty]];
    },
  };
}

/** One delta of a relative path: a minus sign separates numbers as well as a space does. */
function pair(dx: number, dy: number): string {
  return (dx < 0 ? '' : ' ') + dx + (dy < 0 ? '' : ' ') + dy;
}
