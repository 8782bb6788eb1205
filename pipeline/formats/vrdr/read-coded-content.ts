/**
 * Reads a VRDR cause-of-death coded content Bundle (what writeCodedContent writes, and what NCHS
 * returns), bare or inside a cause-of-death coding message: the underlying cause, entity-axis
 * codes ordered by line and position, record-axis codes ordered by position. Codes stay dotted.
 */
import type { EntityLine } from '../../coding/deaths/types.ts';
import { child, codes, component, items, Problems, resourceType, str, VrdrFormatError, type Node } from './fhir-json.ts';
import { bundleIdentity } from './identity.ts';
import { CODING_MESSAGES, readMessageHeader } from './message.ts';
import { parseJson } from './parse-json.ts';
import { CODED_LOINC, type CodedContent, type RecordIdentity } from './write-coded-content.ts';

export interface CodedContentRecord extends CodedContent {
  identity: RecordIdentity;
  /** MessageHeader.id when the bundle came in a coding message. */
  messageId: string | null;
}

const ICD10 = /^[A-Z]\d{2}(\.\d{1,2})?$/;
// The current profile and the name older NCHS output used.
const CAUSE_PROFILES = ['/vrdr-cause-of-death-coded-bundle', '/vrdr-cause-of-death-coded-content-bundle'];

function icdCode(observation: Node, problems: Problems): string | null {
  const concept = child(observation, 'valueCodeableConcept');
  const code = codes(concept)[0] ?? null;
  return code !== null && ICD10.test(code) ? code : problems.add(concept, `${JSON.stringify(code)} is not a dotted ICD-10 code`);
}

function integer(observation: Node, name: string, problems: Problems, allowed: (n: number) => boolean): number | null {
  const value = child(component(observation, name) ?? { value: undefined, path: `${observation.path}.component` }, 'valueInteger');
  return Number.isInteger(value.value) && allowed(value.value as number) ? (value.value as number) : problems.add(value, `no valid ${name}`);
}

function readCodes(bundle: Node, problems: Problems): CodedContent {
  const observations = items(child(bundle, 'entry'))
    .map((entry) => child(entry, 'resource'))
    .filter((r) => resourceType(r) === 'Observation');
  const withCode = (loinc: string) => observations.filter((o) => codes(child(o, 'code')).includes(loinc));
  const underlying = withCode(CODED_LOINC.underlying);
  for (const extra of underlying.slice(1)) problems.add(extra, 'a second automated underlying cause');
  const entity = withCode(CODED_LOINC.entityAxis).flatMap((o) => {
    const code = icdCode(o, problems);
    const line = integer(o, 'lineNumber', problems, (n) => [1, 2, 3, 4, 6].includes(n));
    const position = integer(o, 'position', problems, (n) => n >= 1);
    const flag = child(component(o, 'eCodeIndicator') ?? { value: undefined, path: '' }, 'valueBoolean').value === true;
    return code === null || line === null || position === null ? [] : [{ line: line as EntityLine, position, code, natureOfInjury: flag }];
  });
  const record = withCode(CODED_LOINC.recordAxis).flatMap((o) => {
    const code = icdCode(o, problems);
    const position = integer(o, 'position', problems, (n) => n >= 1);
    return code === null || position === null ? [] : [{ position, code }];
  });
  return {
    underlyingCause: underlying[0] ? icdCode(underlying[0], problems) : null,
    entityAxis: entity.sort((a, b) => a.line - b.line || a.position - b.position),
    recordAxis: record.sort((a, b) => a.position - b.position).map((r) => r.code),
  };
}

/** Reads one coded content file (a collection Bundle, or a cause-of-death coding message). */
export function readCodedContent(text: string): CodedContentRecord {
  const top: Node = { value: parseJson(text), path: '' };
  const problems = new Problems();
  const type = str(child(top, 'type'));
  if (resourceType(top) !== 'Bundle' || (type !== 'collection' && type !== 'message')) {
    throw new VrdrFormatError([{ path: 'type', message: 'expected a coded content Bundle (type collection) or a cause-of-death coding message' }]);
  }
  const header = type === 'message' ? readMessageHeader(top, problems, CODING_MESSAGES, 'a cause-of-death coding message') : null;
  const bundle = header
    ? items(child(top, 'entry')).map((e) => child(e, 'resource')).find((r) => resourceType(r) === 'Bundle' && str(child(r, 'type')) === 'collection')
    : top;
  if (!bundle) throw new VrdrFormatError([{ path: 'entry', message: 'the coding message carries no coded content Bundle' }]);
  const profiles = items(child(child(bundle, 'meta'), 'profile'));
  const other = profiles.length > 0 && !profiles.some((p) => CAUSE_PROFILES.some((suffix) => str(p)?.endsWith(suffix)));
  if (other) throw new VrdrFormatError([{ path: profiles[0]!.path, message: `${JSON.stringify(profiles[0]!.value)} is not a cause-of-death coded content bundle` }]);
  // In a message the Parameters name the record; the inner bundle's identifier may not (older NCHS output).
  const own = new Problems();
  const fromBundle = bundleIdentity(bundle, own);
  const params = header?.parameters;
  const certificateNumber = params?.certNo ?? fromBundle.certificateNumber;
  const jurisdiction = params?.jurisdiction ?? fromBundle.nchs?.jurisdiction ?? null;
  if (certificateNumber === null) problems.list.push(...own.list);
  if (jurisdiction === null) problems.add(child(bundle, 'identifier'), 'no jurisdiction: expected an NCHS identifier YYYYJJNNNNNN');
  const coded = readCodes(bundle, problems);
  problems.check();
  const identity = { certificateNumber: certificateNumber!, jurisdiction: jurisdiction!, year: params?.year ?? fromBundle.nchs?.year ?? null };
  return { ...coded, identity, messageId: header?.id ?? null };
}
