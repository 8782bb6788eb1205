/**
 * The ED coder every caller uses (CLI, ingest, eval, bench): one place to change which coder is
 * current. `createEdCoder()` reads the committed tables once (about 0.2 s) and returns a pure
 * coder; syndromes come from the ESSENCE query engine (syndromes/) and are merged by the caller
 * with `toEdContractJson(result, syndromes)`.
 */
import { CmCodes, DiagnosisReader } from './cm-codes.ts';
import { codeVisit } from './ed-coder.ts';
import { memoisedAnalyser } from './field.ts';
import { createMatchers } from './matchers.ts';
import { type EdTables, loadEdTables } from './tables.ts';
import type { EdCoder } from './types.ts';

export const ED_CODER_VERSION = 'vigil-ed-coder/1';

export type { EdCodeResult, EdCoder, EdDrug, EdIntent } from './types.ts';
export { toEdContractJson } from './types.ts';

export function createEdCoder(tables: EdTables = loadEdTables()): EdCoder {
  const coding = { analyse: memoisedAnalyser(createMatchers(tables), tables.categories), cm: new CmCodes(tables.categories), dx: new DiagnosisReader() };
  return { coderVersion: ED_CODER_VERSION, lexiconVersion: tables.version, code: (visit) => codeVisit(visit, coding) };
}
