/**
 * Walking FHIR JSON with a path kept at every step, so a problem can say where it is
 * (`entry[3].resource.component[0]`), and collecting those problems.
 */
import { FileFormatError } from '../certificate-csv.ts';

export interface Node {
  value: unknown;
  /** JSON path from the top of the file; '' for the top itself. */
  path: string;
}

export interface VrdrProblem {
  path: string;
  message: string;
}

/** A VRDR file vigil cannot read, with every problem found and where. */
export class VrdrFormatError extends FileFormatError {
  override name = 'VrdrFormatError';
  constructor(readonly problems: VrdrProblem[]) {
    super(problems.map(({ path, message }) => (path === '' ? message : `${path}: ${message}`)).join('; '));
  }
}

export class Problems {
  readonly list: VrdrProblem[] = [];

  add(at: Node | string, message: string): null {
    this.list.push({ path: typeof at === 'string' ? at : at.path, message });
    return null;
  }

  /** Throws the problems found so far, if any. */
  check(): void {
    if (this.list.length > 0) throw new VrdrFormatError(this.list);
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function child(node: Node, key: string): Node {
  const value = isObject(node.value) ? node.value[key] : undefined;
  return { value, path: node.path === '' ? key : `${node.path}.${key}` };
}

/** Array items; nothing when the value is absent or not an array. */
export function items(node: Node): Node[] {
  return Array.isArray(node.value) ? node.value.map((value, i) => ({ value, path: `${node.path}[${i}]` })) : [];
}

export function str(node: Node): string | null {
  return typeof node.value === 'string' && node.value.trim() !== '' ? node.value.trim() : null;
}

export function resourceType(node: Node): string | null {
  return str(child(node, 'resourceType'));
}

/** The codes of a CodeableConcept's codings. */
export function codes(concept: Node): string[] {
  return items(child(concept, 'coding')).flatMap((coding) => str(child(coding, 'code')) ?? []);
}

/** The first extension with this URL among `node.extension`. */
export function extension(node: Node, url: string): Node | undefined {
  return items(child(node, 'extension')).find((ext) => str(child(ext, 'url')) === url);
}

/** A component (Observation.component) whose code has one of `codeValues`. */
export function component(observation: Node, ...codeValues: string[]): Node | undefined {
  return items(child(observation, 'component')).find((c) => codes(child(c, 'code')).some((code) => codeValues.includes(code)));
}

/** valueCodeableConcept.text, trimmed; null when absent or blank. */
export function conceptText(node: Node): string | null {
  return str(child(child(node, 'valueCodeableConcept'), 'text'));
}

export const VRDR = 'http://hl7.org/fhir/us/vrdr/StructureDefinition/';
