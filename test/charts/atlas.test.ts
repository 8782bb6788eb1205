// The county map's path data, read straight off the topology's arcs (dashboard/src/charts/atlas.ts),
// must draw what topojson-client's features and meshes do: the same points in the same order for
// every county, state and the nation, the same border segments, the same bounds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Feature, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';
import { describe, expect, test } from 'vitest';
import { atlasOf } from '../../dashboard/src/charts/atlas.ts';

const topology = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('us-atlas/counties-albers-10m.json')), 'utf8')) as Topology;
const objects = topology.objects as Record<string, GeometryCollection>;
const atlas = atlasOf(topology);
const meshPath = (geometries: readonly GeometryObject[]) => atlas.linePaths(geometries, { shared: true }).join('');

/** Path data in topology units → its subpaths as absolute points in the topology's coordinates. */
function subpaths(d: string): Position[][] {
  const out: Position[][] = [];
  const [sx, sy] = atlas.scale;
  const [tx, ty] = atlas.translate;
  for (const part of d.split('M').filter(Boolean)) {
    const match = /^(-?\d+) (-?\d+)l([^z]*)(z?)$/.exec(part);
    if (!match) throw new Error(`unexpected path data: ${part.slice(0, 40)}`);
    let x = Number(match[1]);
    let y = Number(match[2]);
    const points: Position[] = [[x * sx + tx, y * sy + ty]];
    const numbers = match[3]!.match(/-?\d+/g) ?? [];
    expect(numbers.length % 2).toBe(0);
    for (let i = 0; i < numbers.length; i += 2) {
      x += Number(numbers[i]);
      y += Number(numbers[i + 1]);
      points.push([x * sx + tx, y * sy + ty]);
    }
    out.push(points);
  }
  return out;
}

function rings(geometry: Polygon | MultiPolygon): Position[][] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

/** A ring without its closing point(s): topojson closes rings and pads a degenerate one to four points; a path's z closes it. */
function open(ring: Position[]): Position[] {
  let kept = ring.length;
  while (kept > 1 && ring[kept - 1]![0] === ring[0]![0] && ring[kept - 1]![1] === ring[0]![1]) kept--;
  return ring.slice(0, kept);
}

function expectSamePoints(drawn: Position[][], closed: Position[][], what: string): void {
  const actual = drawn.map(open);
  const expected = closed.map(open);
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((ring, i) => {
    expect(ring.length, `${what}, ring ${i}`).toBe(expected[i]!.length);
    ring.forEach(([x, y], j) => {
      expect(Math.abs(x! - expected[i]![j]![0]!) + Math.abs(y! - expected[i]![j]![1]!), `${what}, ring ${i}, point ${j}`).toBeLessThan(1e-9);
    });
  });
}

/** Line segments as unordered point pairs, rounded: a mesh compared regardless of how its lines are joined. */
function segments(lines: Position[][]): Set<string> {
  const key = ([x, y]: Position) => `${x!.toFixed(6)},${y!.toFixed(6)}`;
  const set = new Set<string>();
  for (const line of lines) for (let i = 1; i < line.length; i++) set.add([key(line[i - 1]!), key(line[i]!)].sort().join(' '));
  return set;
}

describe('county map path data from the topology arcs', () => {
  test.each(['counties', 'states', 'nation'])('every polygon of %s has the points of its topojson feature, in order', (name) => {
    const geometries = objects[name]!.geometries;
    expect(geometries.length).toBeGreaterThan(0);
    for (const geometry of geometries) {
      const expected = rings((feature(topology, geometry as GeometryObject) as Feature).geometry as Polygon | MultiPolygon);
      expectSamePoints(subpaths(atlas.polygonPath(geometry)), expected, `${name} ${geometry.id ?? ''}`);
    }
  });

  test('the borders between counties and between states are the segments of topojson meshes', () => {
    for (const name of ['counties', 'states']) {
      const object = objects[name]!;
      const expected = segments((mesh(topology, object, (a, b) => a !== b) as MultiLineString).coordinates);
      const actual = segments(subpaths(meshPath(object.geometries)));
      expect(actual.size, name).toBe(expected.size);
      for (const s of expected) expect(actual.has(s), `${name}: ${s}`).toBe(true);
    }
    // One state's counties: only the lines between two of them (Maryland: 24 counties).
    const maryland = objects['counties']!.geometries.filter((g) => String(g.id).startsWith('24'));
    const expected = segments((mesh(topology, { ...objects['counties']!, geometries: maryland }, (a, b) => a !== b) as MultiLineString).coordinates);
    expect(segments(subpaths(meshPath(maryland)))).toEqual(expected);
  });

  test('lines sorted into parts are the same lines, each in the part where it starts', () => {
    const counties = objects['counties']!.geometries;
    const whole = segments(subpaths(meshPath(counties)));
    // The nation in quarters, by where each border starts.
    const part = (x: number, y: number) => (x < 480 ? 0 : 1) + (y < 300 ? 0 : 2);
    const parts = atlas.linePaths(counties, { shared: true, part });
    expect(parts).toHaveLength(4);
    const union = new Set<string>();
    for (const d of parts) {
      const lines = subpaths(d);
      const quarter = part(lines[0]![0]![0]!, lines[0]![0]![1]!);
      for (const line of lines) expect(part(line[0]![0]!, line[0]![1]!)).toBe(quarter);
      for (const s of segments(lines)) union.add(s);
    }
    expect(union).toEqual(whole);
    // Every arc, not only the shared ones: the outline of a state's counties and the borders between them.
    const maryland = counties.filter((g) => String(g.id).startsWith('24'));
    const outline = segments(subpaths(atlas.linePaths(maryland, { shared: false }).join('')));
    const edges = segments(maryland.flatMap((g) => rings((feature(topology, g as GeometryObject) as Feature).geometry as Polygon | MultiPolygon)));
    expect(outline).toEqual(edges);
  });

  test('bounds are those of the features', () => {
    for (const geometry of [...objects['states']!.geometries, ...objects['counties']!.geometries.slice(0, 200)]) {
      const points = rings((feature(topology, geometry as GeometryObject) as Feature).geometry as Polygon | MultiPolygon).flat();
      const xs = points.map((p) => p[0]!);
      const ys = points.map((p) => p[1]!);
      const bounds = atlas.bounds([geometry])!;
      expect(bounds[0][0]).toBeCloseTo(Math.min(...xs), 9);
      expect(bounds[0][1]).toBeCloseTo(Math.min(...ys), 9);
      expect(bounds[1][0]).toBeCloseTo(Math.max(...xs), 9);
      expect(bounds[1][1]).toBeCloseTo(Math.max(...ys), 9);
    }
    expect(atlas.bounds([])).toBeNull();
  });

  test('an unquantized topology is refused', () => {
    const { transform: _, ...plain } = topology;
    expect(() => atlasOf(plain as Topology)).toThrow(/not quantized/);
  });
});
