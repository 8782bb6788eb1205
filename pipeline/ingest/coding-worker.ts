/**
 * A coding worker thread: validates and codes batches of mapped certificate rows and sends back
 * the staging rows. Each worker loads the lexicon once.
 */
import { parentPort } from 'node:worker_threads';
import { createDeathCoder } from '../coding/deaths/index.ts';
import type { CertificateRowRecord } from '../formats/certificate-csv.ts';
import { stageRecords } from './staging-rows.ts';

const coder = createDeathCoder();
parentPort!.postMessage({ ready: true, coderVersion: coder.coderVersion, lexiconVersion: coder.lexiconVersion });
parentPort!.on('message', (message: { id: number; records: CertificateRowRecord[] }) => {
  try {
    parentPort!.postMessage({ id: message.id, batch: stageRecords(message.records, coder) });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
