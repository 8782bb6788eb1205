/**
 * The death coder every caller uses (ingest, CLI, eval): one place to change which coder is current.
 */
import { loadLexicon } from '../lexicon/lexicon.ts';
import { createCertificateCoder } from './certificate-coder.ts';
import type { DeathCoder } from './types.ts';

export function createDeathCoder(): DeathCoder {
  return createCertificateCoder(loadLexicon());
}
