/**
 * Which reader a death certificate file needs, from its first bytes (content decides when it is
 * clear) and then its name: VRDR JSON starts with `{`; an IJE mortality record with the year of
 * death, the state code, the certificate number and the void flag (positions 1-13); the CSV
 * template with its header. When neither tells, 'csv': that reader says what it expected.
 */
export type DeathFormat = 'csv' | 'ije' | 'vrdr';

const IJE_START = /^[\d ]{4}[A-Za-z]{2}[\d ]{6}[01 ]/;
const BY_EXTENSION: Record<string, DeathFormat> = Object.assign(Object.create(null) as Record<string, DeathFormat>, { json: 'vrdr', ije: 'ije', mor: 'ije', csv: 'csv' });

export function detectDeathFormat(firstBytes: Uint8Array | string, fileName: string): DeathFormat {
  const raw = typeof firstBytes === 'string' ? firstBytes : Buffer.from(firstBytes).toString('utf8');
  const text = raw.replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('{')) return 'vrdr';
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,)\s*"?certificate_id"?\s*(,|$)/i.test(firstLine)) return 'csv';
  if (IJE_START.test(text) && !firstLine.includes(',')) return 'ije';
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[extension] ?? 'csv';
}
