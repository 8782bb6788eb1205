/**
 * The ED codings a coding worker holds: rebuilt from a batch's portable coding (the approved terms
 * over the committed ED tables, and the active syndrome definitions), refused unless it gives
 * exactly the versions the batch records. A worker keeps the two most recently used, as it does
 * death coders (coding-worker.ts), since batches around an approval may interleave their chunks.
 */
import { createEdCoder } from '../coding/ed/index.ts';
import { withEdOverlay } from '../coding/ed/overlay-terms.ts';
import { createSyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import { loadEdTables, type EdTables } from '../coding/ed/tables.ts';
import { syndromeSetLabel } from '../store/syndrome-definitions.ts';
import type { EdCoding, PortableEdCoding } from './ed-staging.ts';

const KEPT_CODINGS = 2;
const kept = new Map<string, EdCoding>();
let base: EdTables | null = null;

export function edCodingFor(portable: PortableEdCoding): EdCoding {
  const key = `${portable.coderVersion}\u0000${portable.lexiconVersion}\u0000${portable.syndromeSet}`;
  const found = kept.get(key);
  if (found) {
    kept.delete(key); // most recently used last
    kept.set(key, found);
    return found;
  }
  const coder = createEdCoder(withEdOverlay((base ??= loadEdTables()), portable.terms).tables);
  const syndromeSet = syndromeSetLabel(portable.definitions);
  if (coder.coderVersion !== portable.coderVersion || coder.lexiconVersion !== portable.lexiconVersion || syndromeSet !== portable.syndromeSet) {
    throw new Error(
      `a coding worker cannot code ED visits with ${portable.coderVersion}, lexicon ${portable.lexiconVersion} and syndromes ${portable.syndromeSet}: ` +
        `from what it was sent it builds ${coder.coderVersion}, lexicon ${coder.lexiconVersion} and syndromes ${syndromeSet}`,
    );
  }
  const coding: EdCoding = { coder, syndromes: createSyndromeEngine(portable.definitions), syndromeSet, portable };
  if (kept.size >= KEPT_CODINGS) kept.delete(kept.keys().next().value!);
  kept.set(key, coding);
  return coding;
}
