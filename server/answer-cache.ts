/**
 * Rendered answers (headers and bytes, gzipped once on first need) kept per question and data
 * version, so a question asked again before the data changes is served without counting,
 * suppressing or serialising anything. Dashboards ask the same few questions all day (the map of
 * the last year, the national series), and the biggest of them (every county by month: 20,000 rows,
 * 6 MB of JSON) takes ~200 ms to build and ~60 ms to gzip; from here it is a copy of bytes.
 *
 * Safe because an answer is a pure function of the question, the caller's suppression and the data
 * version (which every load, void, recode, correction and population load changes): an entry of an
 * older version is never served. Least recently used entries go first when the bytes exceed the
 * budget. When a new version appears, the questions asked most under the old one are answered again
 * in the background (`warm`), so the morning's first look at the map does not pay for the refresh.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';
import { COMPRESSION_THRESHOLD, isCompressible } from './compression.ts';

const gzip = promisify(zlib.gzip);

/** Below this a gzip header costs about what it saves (as server/compression.ts decides). */
const GZIP_MIN_BYTES = COMPRESSION_THRESHOLD;

/** Distinct questions whose popularity is counted (a crawler asking everything must not grow it without end). */
const MAX_QUESTIONS_COUNTED = 2_000;

export interface RenderedAnswer {
  /** Content-Type, Content-Disposition, X-Vigil-* …; set as they are on every reply. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

interface Entry {
  version: string;
  answer: RenderedAnswer;
  etag: string;
  gzipped: Promise<Buffer> | null;
  bytes: number;
}

interface Popularity<Q> {
  question: Q;
  /** Times asked since the entry was last (re)built, so a burst long ago does not keep a key warm. */
  asked: number;
}

export class AnswerCache<Q> {
  private readonly entries = new Map<string, Entry>();
  private readonly popularity = new Map<string, Popularity<Q>>();
  private bytes = 0;
  /** Per data version (newest last, a few kept), the questions already warmed or being warmed. */
  private readonly warmed = new Map<string, Set<string>>();

  /** @param maxBytes 0 turns the cache off (every answer is built). */
  constructor(private readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The answer to `key` under `version`, or undefined; counts the question either way. */
  get(key: string, version: string, question: Q): RenderedAnswer | undefined {
    if (!this.enabled) return undefined;
    const seen = this.popularity.get(key);
    if (seen) seen.asked++;
    else {
      if (this.popularity.size >= MAX_QUESTIONS_COUNTED) this.forgetRareQuestions();
      this.popularity.set(key, { question, asked: 1 });
    }
    const entry = this.entries.get(key);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(key); // most recently used last
    this.entries.set(key, entry);
    return entry.answer;
  }

  set(key: string, version: string, answer: RenderedAnswer): void {
    if (!this.enabled || answer.body.length > this.maxBytes / 4) return;
    this.drop(key);
    const etag = `"${crypto.createHash('sha1').update(key).update('\0').update(version).digest('base64url')}"`;
    const entry: Entry = { version, answer, etag, gzipped: null, bytes: answer.body.length };
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.bytes;
    }
  }

  /** Bytes held (bodies and their gzipped copies). */
  get size(): number {
    return this.bytes;
  }

  /**
   * Replies with the entry of `key` (set just before, or found by `get`): a 304 when the client has
   * it, gzipped when the client takes gzip, else as it is.
   */
  async send(request: Request, response: Response, key: string, answer: RenderedAnswer): Promise<void> {
    const entry = this.entries.get(key);
    for (const [name, value] of Object.entries(answer.headers)) response.set(name, value);
    response.vary('Accept-Encoding'); // added to, not replacing, Vary: Authorization
    if (!entry || entry.answer !== answer) {
      response.send(answer.body); // not kept (too big, or the cache is off): as any reply
      return;
    }
    response.set('ETag', entry.etag);
    if (request.fresh) {
      response.status(304).end();
      return;
    }
    const compressible = isCompressible(answer.headers['Content-Type'] ?? '');
    if (compressible && answer.body.length >= GZIP_MIN_BYTES && request.acceptsEncodings('gzip') === 'gzip') {
      if (!entry.gzipped) {
        entry.gzipped = gzip(answer.body, { level: 6 });
        entry.gzipped.then(
          (bytes) => {
            if (this.entries.get(key) === entry) this.bytes += bytes.length;
            entry.bytes += bytes.length;
          },
          () => (entry.gzipped = null),
        );
      }
      const bytes = await entry.gzipped;
      // Set here, so a compression middleware sees the body is already encoded and leaves it.
      response.set('Content-Encoding', 'gzip');
      response.send(bytes);
      return;
    }
    response.send(answer.body);
  }

  /**
   * Builds again, one at a time in the background, the `count` questions asked most (of those
   * `accept` takes) that have no answer under `version`, and stores them. Each question is warmed
   * once per version however often this is called.
   */
  warm(version: string, accept: (question: Q) => boolean, build: (question: Q) => Promise<{ key: string; answer: RenderedAnswer } | null>, count = 24): Promise<number> {
    let warmed = this.warmed.get(version);
    if (!warmed) {
      this.warmed.set(version, (warmed = new Set()));
      for (const old of this.warmed.keys()) if (this.warmed.size > 4) this.warmed.delete(old);
    }
    const done = warmed;
    const wanted = [...this.popularity]
      .filter(([key, p]) => accept(p.question) && this.entries.get(key)?.version !== version && !done.has(key))
      .sort((a, b) => b[1].asked - a[1].asked)
      .slice(0, count);
    for (const [key] of wanted) done.add(key);
    return (async () => {
      let built = 0;
      for (const [key, { question }] of wanted) {
        try {
          const result = await build(question);
          if (result) {
            this.set(result.key, version, result.answer);
            const seen = this.popularity.get(key);
            if (seen) seen.asked = Math.ceil(seen.asked / 2); // decays: yesterday's favourites fade
            built++;
          }
        } catch {
          // A question that fails now fails for its asker too, with the error it deserves.
        }
      }
      return built;
    })();
  }

  /** Keeps the more asked half of the questions counted. */
  private forgetRareQuestions(): void {
    const asked = [...this.popularity.values()].map((p) => p.asked).sort((a, b) => a - b);
    const median = asked[Math.floor(asked.length / 2)] ?? 0;
    for (const [key, p] of this.popularity) if (p.asked <= median) this.popularity.delete(key);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
  }
}
