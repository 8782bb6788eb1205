/**
 * The circles of the scan: for each centre location, the locations in order of distance from it,
 * as far as a cap on the circle's size (a share of the cases, or of the population), as SaTScan's
 * circular window grows location by location (Kulldorff 1997; SaTScan user guide, "Spatial Window").
 * Built once per analysis, as flat typed arrays that workers can receive.
 */

export type CoordinateSystem = 'latlong' | 'cartesian';

export interface Circles {
  /** Centre i's circle is neighbours[start[i]] … neighbours[start[i + 1] − 1], nearest first (i itself first). */
  start: Int32Array;
  neighbours: Int32Array;
  /** Distance from the centre to each neighbour: km on the sphere for 'latlong', coordinate units otherwise. */
  radius: Float64Array;
}

const EARTH_RADIUS_KM = 6371.0088; // mean Earth radius (IUGG)

/** Points as unit vectors (latlong: x = longitude, y = latitude, degrees) or as given (cartesian). */
function embed(xs: ArrayLike<number>, ys: ArrayLike<number>, system: CoordinateSystem): Float64Array {
  const n = xs.length;
  const points = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`location ${i}: coordinates must be finite`);
    if (system === 'latlong') {
      if (y < -90 || y > 90 || x < -180 || x > 360) throw new RangeError(`location ${i}: not a longitude/latitude: ${x}, ${y}`);
      const lat = (y * Math.PI) / 180;
      const lon = (x * Math.PI) / 180;
      points[3 * i] = Math.cos(lat) * Math.cos(lon);
      points[3 * i + 1] = Math.cos(lat) * Math.sin(lon);
      points[3 * i + 2] = Math.sin(lat);
    } else {
      points[3 * i] = x;
      points[3 * i + 1] = y;
    }
  }
  return points;
}

/** Great-circle (latlong) or Euclidean distance from a squared chord/Euclidean distance. */
function distance(squared: number, system: CoordinateSystem): number {
  return system === 'latlong' ? 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(squared) / 2)) : Math.sqrt(squared);
}

/**
 * For each centre, neighbours by increasing distance (ties by input order) while the cumulative
 * `size` stays ≤ maxSize. A centre whose own size exceeds maxSize has an empty circle.
 */
export function buildCircles(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  size: ArrayLike<number>,
  maxSize: number,
  system: CoordinateSystem,
): Circles {
  const n = xs.length;
  if (n >= 1 << 24) throw new RangeError(`too many locations: ${n}`);
  const points = embed(xs, ys, system);
  const squared = new Float64Array(n);
  // Sort keys: the squared distance with its low mantissa bits replaced by the index, so one native
  // numeric sort orders (distance, index); an insertion pass then restores exact order where the
  // replaced bits (relative 2^-28 at most) swapped near-equal distances.
  const keys = new Float64Array(n);
  const words = new Uint32Array(keys.buffer);
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('buildCircles assumes a little-endian platform');
  const order = new Int32Array(n);
  const start = new Int32Array(n + 1);
  const chunks: Int32Array[] = [];
  const radii: Float64Array[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    start[i] = total;
    if (size[i]! > maxSize) continue;
    const px = points[3 * i]!;
    const py = points[3 * i + 1]!;
    const pz = points[3 * i + 2]!;
    for (let j = 0; j < n; j++) {
      const dx = points[3 * j]! - px;
      const dy = points[3 * j + 1]! - py;
      const dz = points[3 * j + 2]! - pz;
      const d = dx * dx + dy * dy + dz * dz;
      squared[j] = d;
      keys[j] = d;
      words[2 * j] = ((words[2 * j]! & 0xff000000) | j) >>> 0;
    }
    keys.sort();
    for (let k = 0; k < n; k++) order[k] = words[2 * k]! & 0x00ffffff;
    for (let k = 1; k < n; k++) {
      const j = order[k]!;
      let m = k - 1;
      while (m >= 0 && (squared[order[m]!]! > squared[j]! || (squared[order[m]!]! === squared[j]! && order[m]! > j))) {
        order[m + 1] = order[m]!;
        m--;
      }
      order[m + 1] = j;
    }
    // The centre comes first even if another location shares its coordinates.
    const self = order.indexOf(i);
    order.copyWithin(1, 0, self);
    order[0] = i;
    let cumulative = 0;
    let count = 0;
    while (count < n && cumulative + size[order[count]!]! <= maxSize) cumulative += size[order[count++]!]!;
    chunks.push(order.slice(0, count));
    const radius = new Float64Array(count);
    for (let k = 0; k < count; k++) radius[k] = distance(squared[order[k]!]!, system);
    radii.push(radius);
    total += count;
  }
  start[n] = total;
  const neighbours = new Int32Array(total);
  const radius = new Float64Array(total);
  let offset = 0;
  chunks.forEach((chunk, c) => {
    neighbours.set(chunk, offset);
    radius.set(radii[c]!, offset);
    offset += chunk.length;
  });
  return { start, neighbours, radius };
}
