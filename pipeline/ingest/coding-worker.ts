/**
 * A coding worker thread: parses, validates and codes chunks of certificate CSV text (or batches
 * of already mapped rows), and chunks of ED CSV text (ed-worker-coding.ts builds their coding),
 * and sends back the staging rows; or codes the distinct cause keys of a certificate file read in
 * bulk (certificate-csv-bulk.ts) and sends back their coded results. Each worker reads the committed lexicon once and builds the
 * coder of the lexicon version every chunk names (committed lexicon plus the approved terms the
 * chunk carries). Around an approval two batches of different
 * versions may interleave their chunks on one worker, and a rebuild is ~0.6 s: so a worker keeps
 * the two most recently used coders, and drops one unused for a while (each is ~105 MB).
 */
import { parentPort } from 'node:worker_threads';
import { CERTIFICATE_CODER_VERSION, createCertificateCoder } from '../coding/deaths/certificate-coder.ts';
import type { DeathCoder } from '../coding/deaths/types.ts';
import { loadLexicon } from '../coding/lexicon/lexicon.ts';
import { withOverlay } from '../coding/lexicon/overlay.ts';
import { codeDeathKeyCsv } from './coded-json.ts';
import type { DeathKeysRequest, WorkerCoding } from './coding-pool.ts';
import { stageCsvText, stageRecords, type StageRequest } from './staging-rows.ts';
import { stageEdCsvText, type EdCsvTextRequest, type PortableEdCoding } from './ed-staging.ts';
import { edCodingFor } from './ed-worker-coding.ts';

const KEPT_CODERS = 2;
const IDLE_MS = 30_000;
const base = loadLexicon();
const coders = new Map<string, { coder: DeathCoder; usedAt: number }>();

/** The coder for `coding`, built when new; an error when this worker cannot build exactly that version. */
function coderFor(coding: WorkerCoding): DeathCoder {
  const kept = coders.get(coding.lexiconVersion);
  if (kept) {
    // Most recently used last: the first entry is the one to drop.
    coders.delete(coding.lexiconVersion);
    coders.set(coding.lexiconVersion, { coder: kept.coder, usedAt: Date.now() });
    return kept.coder;
  }
  const coder = createCertificateCoder(withOverlay(base, coding.terms));
  if (coder.coderVersion !== coding.coderVersion || coder.lexiconVersion !== coding.lexiconVersion) {
    throw new Error(
      `a coding worker cannot code with ${coding.coderVersion} and lexicon ${coding.lexiconVersion}: ` +
        `from the committed lexicon and the ${coding.terms.length} terms it was sent it builds ${coder.coderVersion} with lexicon ${coder.lexiconVersion}`,
    );
  }
  if (coders.size >= KEPT_CODERS) coders.delete(coders.keys().next().value!);
  coders.set(coding.lexiconVersion, { coder, usedAt: Date.now() });
  return coder;
}

/** Drops every coder but the most recent one that has not coded for IDLE_MS. */
function dropIdleCoders(): void {
  const newest = [...coders.keys()].at(-1);
  for (const [version, kept] of coders) if (version !== newest && Date.now() - kept.usedAt > IDLE_MS) coders.delete(version);
}
setInterval(dropIdleCoders, IDLE_MS).unref();

// Built before the worker says it is ready: most batches code with the committed lexicon.
const committed = coderFor({ coderVersion: CERTIFICATE_CODER_VERSION, lexiconVersion: base.version, terms: [] });
parentPort!.postMessage({ ready: true, coderVersion: committed.coderVersion, lexiconVersion: committed.lexiconVersion });
type Message =
  | { id: number; request: StageRequest | DeathKeysRequest; coding: WorkerCoding }
  | { id: number; request: EdCsvTextRequest; edCoding: PortableEdCoding };

function stage(message: Message) {
  if ('edCoding' in message) return stageEdCsvText(message.request, edCodingFor(message.edCoding));
  const { request } = message;
  const coder = coderFor(message.coding);
  if (request.kind === 'death-key-csv') return codeDeathKeyCsv(request.text, request.firstLine, coder);
  return request.kind === 'records' ? stageRecords(request.records, coder, request) : stageCsvText(request, coder);
}

parentPort!.on('message', (message: Message) => {
  try {
    parentPort!.postMessage({ id: message.id, batch: stage(message) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
