/**
 * Raw files are kept exactly as received, under data/raw/YYYY-MM/<batch id><ext>, with their
 * SHA-256: the checksum spots a resent file, and the file lets a batch be redone from what the
 * office actually sent.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredRawFile {
  path: string;
  sha256: string;
  bytes: number;
}

function rawPathFor(rawDir: string, batchId: string, extension: string): string {
  const month = new Date().toISOString().slice(0, 7);
  return path.join(rawDir, month, `${batchId}${extension}`);
}

/** Streams `source` into the raw store, hashing on the way; memory stays flat for any size. */
export async function storeRawStream(source: Readable, rawDir: string, batchId: string, extension: string): Promise<StoredRawFile> {
  const target = rawPathFor(rawDir, batchId, extension);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const partial = `${target}.partial`;
  try {
    await pipeline(source, tap, fs.createWriteStream(partial));
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  fs.renameSync(partial, target); // a file under its final name is always complete
  return { path: target, sha256: hash.digest('hex'), bytes };
}

/** Copies a file from disk into the raw store. */
export function storeRawFile(sourcePath: string, rawDir: string, batchId: string): Promise<StoredRawFile> {
  return storeRawStream(fs.createReadStream(sourcePath), rawDir, batchId, path.extname(sourcePath).toLowerCase());
}

/** Moves an uploaded temporary file into the raw store (same file system: a rename). */
export async function adoptRawFile(temporaryPath: string, rawDir: string, batchId: string, extension: string): Promise<StoredRawFile> {
  const sha256 = await sha256Of(temporaryPath);
  const { size } = fs.statSync(temporaryPath);
  const target = rawPathFor(rawDir, batchId, extension);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(temporaryPath, target);
  return { path: target, sha256, bytes: size };
}

/** The SHA-256 of a stored file, streamed. */
export async function sha256Of(filePath: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(filePath) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

export function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `b${stamp}-${crypto.randomBytes(4).toString('hex')}`;
}
