/**
 * A review item is one record version's coding under review: `deaths-<record_id>` (a certificate
 * version) or `ed-<record_id>` (an ED visit version). An amended certificate is a new record
 * version, so it is a new item.
 */

export type ReviewSource = 'deaths' | 'ed';

export interface ItemRef {
  source: ReviewSource;
  recordId: bigint;
}

const SHAPE = /^(deaths|ed)-([1-9][0-9]{0,17})$/;

export function formatItemId(source: ReviewSource, recordId: bigint | number | string): string {
  return `${source}-${String(recordId)}`;
}

/** The item an id names, or null when it is not an item id. */
export function parseItemId(id: string): ItemRef | null {
  const match = SHAPE.exec(id);
  if (!match) return null;
  return { source: match[1] as ReviewSource, recordId: BigInt(match[2]!) };
}
