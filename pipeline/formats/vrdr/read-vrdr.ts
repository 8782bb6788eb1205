/**
 * Reader for HL7 FHIR VRDR death records in JSON (FORMATS.md): a death certificate document
 * Bundle, or an NCHS FHIR message wrapping one (submission, update) or naming one (void).
 * One file is one record; a file vigil cannot read is a VrdrFormatError (a FileFormatError)
 * naming every problem with its JSON path.
 */
import { certificateWithIdentityOnly, type Certificate } from '../../records/certificate.ts';
import { UNKNOWN_DATE, type DateParts } from '../ije/dates.ts';
import { child, items, Problems, resourceType, str, VrdrFormatError, type Node } from './fhir-json.ts';
import { readMessageHeader, RECORD_MESSAGES, type MessageType } from './message.ts';
import { parseJson } from './parse-json.ts';
import { readDeathDocument } from './read-document.ts';

export { VrdrFormatError } from './fhir-json.ts';

export interface VrdrRecord {
  /** For a void, only the identity is known: every other field is null. */
  certificate: Certificate;
  messageType: MessageType | 'document';
  /** MessageHeader.id: a resend reuses it. Null for a bare document. */
  messageId: string | null;
  /** Year of death; with jurisdiction and certificate number, the record's identity. */
  year: number | null;
  deathDateParts: DateParts;
  /** Certificates voided from certificateId on (VRDR void block_count); 1 otherwise. */
  blockCount: number;
}

function fromDocument(bundle: Node, messageType: VrdrRecord['messageType'], messageId: string | null): VrdrRecord {
  const { certificate, year, deathDateParts } = readDeathDocument(bundle);
  return { certificate, messageType, messageId, year, deathDateParts, blockCount: 1 };
}

function fromMessage(bundle: Node): VrdrRecord {
  const problems = new Problems();
  const header = readMessageHeader(bundle, problems, RECORD_MESSAGES, 'a death record submission, update or void message');
  if (header.type === 'void') {
    const { certNo, jurisdiction, year, blockCount } = header.parameters;
    return {
      certificate: certificateWithIdentityOnly(certNo!, jurisdiction!),
      messageType: 'void',
      messageId: header.id,
      year,
      deathDateParts: UNKNOWN_DATE,
      blockCount,
    };
  }
  const documents = items(child(bundle, 'entry'))
    .map((entry) => child(entry, 'resource'))
    .filter((r) => resourceType(r) === 'Bundle' && str(child(r, 'type')) === 'document');
  if (documents.length !== 1) {
    const found = documents.length === 0 ? 'carries no death record (a Bundle of type document)' : `carries ${documents.length} documents; one is expected`;
    throw new VrdrFormatError([{ path: 'entry', message: `the ${header.type} message ${found}` }]);
  }
  return fromDocument(documents[0]!, header.type, header.id);
}

/** Reads one VRDR JSON file. */
export function readVrdr(text: string): VrdrRecord {
  const top: Node = { value: parseJson(text), path: '' };
  const type = resourceType(top);
  if (type !== 'Bundle') {
    throw new VrdrFormatError([{ path: 'resourceType', message: `expected a FHIR Bundle, found ${type === null ? 'no resourceType' : JSON.stringify(type)}` }]);
  }
  const bundleType = str(child(top, 'type'));
  if (bundleType === 'document') return fromDocument(top, 'document', null);
  if (bundleType === 'message') return fromMessage(top);
  const what = bundleType === 'collection' ? ' (a coded content bundle is read with readCodedContent)' : '';
  throw new VrdrFormatError([{ path: 'type', message: `${JSON.stringify(bundleType)} is not a death record Bundle: expected "document" or "message"${what}` }]);
}
