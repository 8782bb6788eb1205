/**
 * NCHS FHIR messaging (vital records messaging IG, as vrdr-dotnet reads it): a Bundle of type
 * message whose first entry is the MessageHeader (eventUri = message type, id = message id; a
 * resend reuses the id) and whose Parameters carry cert_no, death_year, jurisdiction_id and, in a
 * void, block_count.
 */
import { child, items, resourceType, str, type Node, type Problems } from './fhir-json.ts';
import { normaliseCertificateNumber } from './identity.ts';

const NCHS = 'http://nchs.cdc.gov/';

export const RECORD_MESSAGES = {
  [`${NCHS}vrdr_submission`]: 'submission',
  [`${NCHS}vrdr_submission_update`]: 'update',
  [`${NCHS}vrdr_submission_void`]: 'void',
} as const;

export const CODING_MESSAGES = {
  [`${NCHS}vrdr_causeofdeath_coding`]: 'coding',
  [`${NCHS}vrdr_causeofdeath_coding_update`]: 'coding update',
} as const;

export type MessageType = (typeof RECORD_MESSAGES)[keyof typeof RECORD_MESSAGES];

export interface MessageParameters {
  certNo: string | null;
  year: number | null;
  jurisdiction: string | null;
  blockCount: number;
}

export interface MessageHeader<T extends string> {
  type: T;
  id: string;
  parameters: MessageParameters;
}

function findParameters(bundle: Node): Node | undefined {
  return items(child(bundle, 'entry'))
    .map((entry) => child(entry, 'resource'))
    .find((r) => resourceType(r) === 'Parameters');
}

function parameters(resource: Node | undefined, problems: Problems): MessageParameters {
  const out: MessageParameters = { certNo: null, year: null, jurisdiction: null, blockCount: 1 };
  for (const parameter of resource ? items(child(resource, 'parameter')) : []) {
    const name = str(child(parameter, 'name'));
    const number = child(parameter, 'valueUnsignedInt');
    const text = child(parameter, 'valueString');
    if (name === 'cert_no') {
      out.certNo = normaliseCertificateNumber(number.value);
      if (out.certNo === null) problems.add(number, `${JSON.stringify(number.value)} is not a certificate number (up to 6 digits)`);
    } else if (name === 'death_year') {
      const ok = Number.isInteger(number.value) && String(number.value).length === 4;
      out.year = ok ? (number.value as number) : problems.add(number, `${JSON.stringify(number.value)} is not a year`);
    } else if (name === 'jurisdiction_id') {
      const value = str(text)?.toUpperCase() ?? '';
      out.jurisdiction = /^[A-Z]{2}$/.test(value) ? value : problems.add(text, `${JSON.stringify(text.value)} is not a 2-letter jurisdiction code`);
    } else if (name === 'block_count') {
      const ok = Number.isInteger(number.value) && (number.value as number) >= 1;
      out.blockCount = ok ? (number.value as number) : (problems.add(number, `${JSON.stringify(number.value)} is not a block count`), 1);
    }
  }
  return out;
}

/** Reads the header of a message of one of the `accepted` types; throws on any problem. */
export function readMessageHeader<T extends string>(bundle: Node, problems: Problems, accepted: Record<string, T>, what: string): MessageHeader<T> {
  const [entry] = items(child(bundle, 'entry'));
  if (entry === undefined) problems.add(child(bundle, 'entry'), 'the message has no entries');
  const first = child(entry ?? { value: undefined, path: 'entry[0]' }, 'resource');
  if (entry !== undefined && resourceType(first) !== 'MessageHeader') {
    problems.add(first, `the first entry of a message must be the MessageHeader, found ${resourceType(first) ?? 'no resource'}`);
  }
  problems.check();
  const eventUri = child(first, 'eventUri');
  const uri = str(eventUri) ?? '';
  const type = Object.hasOwn(accepted, uri) ? accepted[uri] : undefined; // not `constructor` and the like
  if (eventUri.value === undefined) problems.add(eventUri, 'missing: the message type is required');
  else if (type === undefined) problems.add(eventUri, `${JSON.stringify(eventUri.value)} is not ${what}`);
  const id = str(child(first, 'id'));
  if (id === null) problems.add(child(first, 'id'), 'missing: the message id is required (a resend reuses it)');
  problems.check();
  const resource = findParameters(bundle);
  const params = parameters(resource, problems);
  if (type === 'void' && problems.list.length === 0) {
    const at = resource ? child(resource, 'parameter') : child(bundle, 'entry');
    if (params.certNo === null) problems.add(at, 'the void names no certificate: cert_no is required');
    if (params.jurisdiction === null) problems.add(at, 'the void names no jurisdiction: jurisdiction_id is required');
  }
  problems.check();
  return { type: type!, id: id!, parameters: params };
}
