/**
 * gzip (Node's zlib) for answers when the client accepts it and the body is at least
 * COMPRESSION_THRESHOLD bytes (or of unknown length, streamed): JSON, CSV, HTML, JavaScript, CSS,
 * SVG (the dashboard's files too) and Arrow IPC streams. Not compressed:
 * - Parquet, compressed inside already, and PNG;
 * - answers that say Cache-Control: no-transform, already have a Content-Encoding, or carry no
 *   body (HEAD, 204, 304) or a part of one (206);
 * - whatever `skip` says (app.ts: the upload route).
 * A compressible type varies by Accept-Encoding (a cache must not hand gzip to a client that did
 * not ask for it).
 *
 * Measured on the test demo data (county × MMWR week, all deaths, 4 months; server/README.md):
 * Arrow IPC 1.14 MB → 217 KB in 6-9 ms, so it is compressed (it is not compact: its utf8 and
 * float64 columns are stored plain); Parquet 177 KB → 144 KB in 4 ms, a fifth saved for CPU that
 * costs more than the transfer it saves on any link faster than ~70 Mbit/s, so it is not.
 *
 * How: the response's writeHead, write, end and 'drain' listeners are wrapped (as the
 * `compression` package does), because Express answers through all of them: res.send ends with
 * one buffer, res.sendFile and express.static pipe a file stream. The decision is taken when the
 * headers go out, once every header is set.
 */
import zlib from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';

/** Smaller bodies gain less than gzip's ~20 bytes of framing and the CPU it costs. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * zlib level 1: on the measured answers level 4 is 6-13% smaller at twice the time (JSON 3.75 MB:
 * 277 KB in 10 ms at 1, 240 KB in 23 ms at 4), which a link slower than ~25 Mbit/s would repay.
 */
const LEVEL = 1;

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml|x-ndjson|geo\+json|vnd\.apache\.arrow\.stream|[\w.-]+\+json|[\w.-]+\+xml)|image\/svg\+xml)/i;

/** Whether an answer of this Content-Type is worth compressing. */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType.trim());
}

type WriteCallback = (error?: Error | null) => void;
type Listener = (...args: unknown[]) => void;

function toBuffer(chunk: unknown, encoding: BufferEncoding | undefined): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), encoding ?? 'utf8');
}

/** (chunk, encoding, callback) with the optional ones in any of the positions Node allows. */
function writeArguments(args: unknown[]): { chunk: unknown; encoding: BufferEncoding | undefined; callback: WriteCallback | undefined } {
  const [chunk, second, third] = args;
  if (typeof chunk === 'function') return { chunk: undefined, encoding: undefined, callback: chunk as WriteCallback };
  if (typeof second === 'function') return { chunk, encoding: undefined, callback: second as WriteCallback };
  return { chunk, encoding: second as BufferEncoding | undefined, callback: third as WriteCallback | undefined };
}

function shouldCompress(request: Request, response: Response): boolean {
  const status = response.statusCode;
  if (request.method === 'HEAD' || status < 200 || status === 204 || status === 206 || status === 304) return false;
  if (response.getHeader('Content-Encoding') !== undefined) return false;
  if (/\bno-transform\b/i.test(String(response.getHeader('Cache-Control') ?? ''))) return false;
  const length = Number(response.getHeader('Content-Length'));
  if (response.getHeader('Content-Length') !== undefined && Number.isFinite(length) && length < COMPRESSION_THRESHOLD) return false;
  return request.acceptsEncodings('gzip', 'identity') === 'gzip';
}

export function compression(options: { skip?: (request: Request) => boolean } = {}): RequestHandler {
  return (request, response, next) => {
    if (options.skip?.(request)) return next();
    const original = {
      writeHead: response.writeHead as (...args: unknown[]) => Response,
      write: response.write as (...args: unknown[]) => boolean,
      end: response.end as (...args: unknown[]) => Response,
      on: response.on as (event: string | symbol, listener: Listener) => Response,
    };
    let gzip: zlib.Gzip | null = null;
    let decided = false;
    let ended = false;
    const waitingForDrain: Listener[] = [];

    const decide = () => {
      if (decided) return;
      decided = true;
      if (isCompressible(String(response.getHeader('Content-Type') ?? ''))) {
        response.vary('Accept-Encoding');
        if (shouldCompress(request, response)) {
          response.setHeader('Content-Encoding', 'gzip');
          response.removeHeader('Content-Length');
          const stream = (gzip = zlib.createGzip({ level: LEVEL }));
          stream.on('data', (chunk: Buffer) => {
            if (!original.write.call(response, chunk)) stream.pause();
          });
          stream.on('end', () => original.end.call(response));
          stream.on('error', (error) => response.destroy(error));
          original.on.call(response, 'drain', () => stream.resume());
          // A client that went away: stop compressing for it.
          original.on.call(response, 'close', () => {
            if (!response.writableFinished) stream.destroy();
          });
        }
      }
      for (const listener of waitingForDrain.splice(0)) (gzip ? gzip.on('drain', listener) : original.on.call(response, 'drain', listener));
    };

    // Node sends implicit headers through writeHead too, so this sees every answer's headers.
    response.writeHead = function writeHead(this: Response, statusCode: number, ...rest: unknown[]) {
      const headers = rest.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg)) as Record<string, string | number | string[]> | undefined;
      if (headers) {
        for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
        rest = rest.filter((arg) => arg !== headers);
      }
      this.statusCode = statusCode;
      decide();
      return original.writeHead.call(this, statusCode, ...rest);
    } as typeof response.writeHead;

    response.write = function write(this: Response, ...args: unknown[]) {
      if (ended) return false;
      if (!this.headersSent) this.writeHead(this.statusCode);
      if (!gzip) return original.write.apply(this, args);
      const { chunk, encoding, callback } = writeArguments(args);
      return gzip.write(toBuffer(chunk, encoding), callback);
    } as typeof response.write;

    response.end = function end(this: Response, ...args: unknown[]) {
      if (ended) return this;
      const { chunk, encoding, callback } = writeArguments(args);
      if (!this.headersSent) {
        // One buffer without a length (res.end(text)): its length decides, as a declared one would.
        if (chunk !== undefined && chunk !== null && this.getHeader('Content-Length') === undefined) this.setHeader('Content-Length', toBuffer(chunk, encoding).length);
        this.writeHead(this.statusCode);
      }
      if (!gzip) return original.end.apply(this, args);
      ended = true;
      if (callback) this.once('finish', callback);
      if (chunk !== undefined && chunk !== null) gzip.end(toBuffer(chunk, encoding));
      else gzip.end();
      return this;
    } as typeof response.end;

    // A stream piped into the response waits for its 'drain': with gzip in between, that is gzip's.
    response.on = function on(this: Response, event: string | symbol, listener: Listener) {
      if (event !== 'drain') return original.on.call(this, event, listener);
      if (gzip) gzip.on('drain', listener);
      else if (!decided) waitingForDrain.push(listener);
      else original.on.call(this, event, listener);
      return this;
    } as typeof response.on;

    next();
  };
}

