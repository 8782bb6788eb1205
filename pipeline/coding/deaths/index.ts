/**
 * The death coder every caller uses (ingest, CLI, eval): one place to change which coder is current.
 */
import { createDrugMentionCoder } from './drug-mention-coder.ts';
import type { DeathCoder } from './types.ts';

export function createDeathCoder(): DeathCoder {
  return createDrugMentionCoder();
}
