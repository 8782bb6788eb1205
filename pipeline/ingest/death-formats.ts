/**
 * IJE and VRDR files as streams of DeathRecordResult: identity as the NCHS record identifier,
 * voids (IJE VOID = 1; VRDR void messages and their blocks) and message ids. A VRDR file is one
 * FHIR Bundle (a document or a message), or NDJSON with one Bundle a line.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { FileFormatError, readCertificateCsv } from '../formats/certificate-csv.ts';
import { readIje } from '../formats/ije/read-ije.ts';
import { readVrdr, VrdrFormatError } from '../formats/vrdr/read-vrdr.ts';
import { certificateBlock, fromTemplateResult, nchsRecordId, type DeathRecordResult } from './death-records.ts';

export async function* readIjeRecords(input: Readable): AsyncGenerator<DeathRecordResult[]> {
  for await (const results of readIje(input)) {
    yield results.map((result): DeathRecordResult => {
      if (!result.ok) return result;
      const { certificate, ije } = result;
      const certificateId = nchsRecordId(ije.year, certificate.jurisdiction, certificate.certificateId);
      return { ok: true, line: result.line, certificate: { ...certificate, certificateId }, voided: ije.void, messageId: null, ijeText: ije.text };
    });
  }
}

/** One Bundle's records: a void names a block of certificates, anything else one. */
function vrdrRecords(text: string, line: number): DeathRecordResult[] {
  const record = readVrdr(text);
  const { certificate, year } = record;
  if (record.messageType === 'void') {
    return certificateBlock(certificate.certificateId, record.blockCount).map((number) => ({
      ok: true,
      line,
      certificate: { ...certificate, certificateId: nchsRecordId(year, certificate.jurisdiction, number) },
      voided: true,
      messageId: record.messageId,
    }));
  }
  return [{ ok: true, line, certificate: { ...certificate, certificateId: nchsRecordId(year, certificate.jurisdiction, certificate.certificateId) }, voided: false, messageId: record.messageId }];
}

/** A single pretty-printed Bundle larger than this is not a death record. */
const MAX_BUNDLE_CHARS = 64 * 1024 * 1024;

/**
 * NDJSON (every line a whole Bundle) is read a line at a time, a bad line reported with its
 * number; otherwise the file is one Bundle, and a bad one rejects the file (VrdrFormatError names
 * each problem with its JSON path).
 */
export async function* readVrdrRecords(input: Readable): AsyncGenerator<DeathRecordResult[]> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let mode: 'unknown' | 'ndjson' | 'document' = 'unknown';
  let document = '';
  let lineNumber = 0;
  let out: DeathRecordResult[] = [];
  for await (const line of lines) {
    lineNumber++;
    if (mode === 'document') {
      document += `\n${line}`;
      if (document.length > MAX_BUNDLE_CHARS) throw new FileFormatError(`a single FHIR Bundle of more than ${MAX_BUNDLE_CHARS / 2 ** 20} MiB: not a death record`);
      continue;
    }
    if (line.trim() === '') continue;
    if (mode === 'unknown') {
      mode = isWholeJson(line) ? 'ndjson' : 'document';
      if (mode === 'document') {
        document = `${'\n'.repeat(lineNumber - 1)}${line}`;
        continue;
      }
    }
    try {
      out.push(...vrdrRecords(line, lineNumber));
    } catch (error) {
      if (!(error instanceof VrdrFormatError)) throw error;
      out.push({ ok: false, line: lineNumber, recordId: null, errors: error.problems.map((p) => ({ field: p.path, message: p.message })) });
    }
    if (out.length >= 1000) {
      yield out;
      out = [];
    }
  }
  if (mode === 'document') out.push(...vrdrRecords(document, 1));
  else if (mode === 'unknown') throw new FileFormatError('the file is empty: expected a VRDR FHIR Bundle (JSON)');
  if (out.length > 0) yield out;
}

function isWholeJson(line: string): boolean {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Any death-record format as DeathRecordResult (the CSV template's records are never voids). */
export async function* readDeathRecords(input: Readable, format: 'certificate-csv' | 'ije' | 'vrdr'): AsyncGenerator<DeathRecordResult[]> {
  if (format === 'ije') yield* readIjeRecords(input);
  else if (format === 'vrdr') yield* readVrdrRecords(input);
  else {
    for await (const results of readCertificateCsv(input)) yield results.map(fromTemplateResult);
  }
}
