// Small JSON the page needs first: what data there is (/api/meta), the ED syndromes' names, and
// the county map (us-atlas TopoJSON, served beside the page).
import type { Topology } from 'topojson-specification';
import { ApiError, type Http } from './http.ts';

export interface Measure {
  key: string;
  label: string;
}

export interface Meta {
  measures: Measure[];
  extent: { from: string; to: string } | null;
  dataAsOf: string | null;
  certificates: number | null;
  /** True when any loaded data is the generated demo set. */
  synthetic: boolean;
  /** The active ED syndromes, when the server lists them here (else GET /api/syndromes). */
  syndromes: { id: string; name: string }[] | null;
}

export async function fetchMeta(http: Http): Promise<Meta> {
  return parseMeta(await http.json('/api/meta'));
}

export function parseMeta(body: unknown): Meta {
  const meta = body as Record<string, unknown> | null;
  if (!meta || !Array.isArray(meta['measures']) || meta['measures'].length === 0) {
    throw new ApiError('The server’s /api/meta answer lists no measures. Tell the vigil operators.', 200, '/api/meta');
  }
  const extent = meta['extent'] as { from?: unknown; to?: unknown } | null | undefined;
  return {
    measures: (meta['measures'] as Measure[]).map((m) => ({ key: String(m.key), label: String(m.label) })),
    extent: extent && typeof extent.from === 'string' && typeof extent.to === 'string' ? { from: extent.from, to: extent.to } : null,
    dataAsOf: typeof meta['dataAsOf'] === 'string' ? meta['dataAsOf'] : null,
    certificates: typeof meta['certificates'] === 'number' ? meta['certificates'] : null,
    synthetic: meta['synthetic'] === true,
    syndromes: Array.isArray(meta['syndromes']) ? (meta['syndromes'] as { id: unknown; name: unknown }[]).map((s) => ({ id: String(s.id), name: String(s.name) })) : null,
  };
}

/** Syndrome id → name, for labelling ED series and alerts. */
export async function fetchSyndromeNames(http: Http): Promise<Map<string, string>> {
  const body = await http.json<{ definitions?: { id: string; name: string; active: boolean }[] }>('/api/syndromes');
  return new Map((body.definitions ?? []).filter((d) => d.active).map((d) => [d.id, `${d.name} (ED)`]));
}

export const TOPOLOGY_URL = '/counties-albers-10m.json';

export async function fetchTopology(): Promise<Topology> {
  let response: Response;
  try {
    // No Accept or Authorization header: the request must match index.html's preload to reuse it.
    response = await fetch(TOPOLOGY_URL);
  } catch {
    throw new ApiError('Could not load the county map. Check that the vigil server is running, then retry.', 0, TOPOLOGY_URL);
  }
  if (!response.ok) throw new ApiError(`The county map did not load (HTTP ${response.status}). Retry; if it persists, tell the vigil operators.`, response.status, TOPOLOGY_URL);
  const topology = (await response.json()) as Topology;
  if (topology?.type !== 'Topology' || !topology.objects?.['counties']) {
    throw new ApiError('The county map file is not a TopoJSON topology with counties.', 200, TOPOLOGY_URL);
  }
  return topology;
}
