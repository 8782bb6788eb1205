/**
 * Which reader any uploaded file needs, death record or ED feed, from its first bytes and then
 * its name. JSON that is a FHIR Bundle is VRDR; other JSON lines are ED NDJSON. A CSV header
 * with visit_id is an ED feed, one with certificate_id the certificate template.
 */
import { detectDeathFormat } from './detect-death-format.ts';
import { detectEdFormat, type EdFormat } from './ed-feed.ts';

export type FileFormat = 'certificate-csv' | 'ije' | 'vrdr' | EdFormat;

export function detectFormat(firstBytes: Uint8Array | string, fileName: string): FileFormat {
  const raw = typeof firstBytes === 'string' ? firstBytes : Buffer.from(firstBytes).toString('utf8');
  const text = raw.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) {
    const firstLine = text.split(/\r?\n/, 1)[0]!;
    try {
      return (JSON.parse(firstLine) as { resourceType?: unknown }).resourceType === 'Bundle' ? 'vrdr' : 'ed-ndjson';
    } catch {
      return 'vrdr'; // a pretty-printed document: one Bundle over many lines
    }
  }
  const ed = detectEdFormat(text, fileName);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (ed === 'hl7' || (ed === 'ed-csv' && /(^|,)\s*"?visit_id"?\s*(,|$)/i.test(firstLine))) return ed;
  const death = detectDeathFormat(text, fileName);
  if (death !== 'csv') return death;
  if (/(^|,)\s*"?certificate_id"?\s*(,|$)/i.test(firstLine)) return 'certificate-csv';
  return /\.(hl7|mllp)$/i.test(fileName) ? 'hl7' : /\.(ndjson|jsonl)$/i.test(fileName) ? 'ed-ndjson' : 'certificate-csv';
}
