/**
 * A coding worker thread: parses, validates and codes chunks of certificate CSV text (or batches
 * of already mapped rows) and sends back the staging rows. Each worker loads the lexicon once.
 */
import { parentPort } from 'node:worker_threads';
import { createDeathCoder } from '../coding/deaths/index.ts';
import { stageCsvText, stageRecords, type StageRequest } from './staging-rows.ts';

const coder = createDeathCoder();
parentPort!.postMessage({ ready: true, coderVersion: coder.coderVersion, lexiconVersion: coder.lexiconVersion });
parentPort!.on('message', (message: { id: number; request: StageRequest }) => {
  try {
    const { request } = message;
    const batch = request.kind === 'records' ? stageRecords(request.records, coder, request.jurisdiction) : stageCsvText(request, coder);
    parentPort!.postMessage({ id: message.id, batch });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
