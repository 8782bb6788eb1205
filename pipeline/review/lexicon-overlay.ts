/**
 * The death coder with the approved terms: the committed lexicon (pipeline/coding/lexicon/data)
 * plus the overlay stored in DuckDB (lexicon_overlay_terms), built into a real coder, so an
 * approved term goes through the same matcher as every committed one. The database is the source
 * of truth: a process started from the committed data alone learns the approved terms here.
 *
 * One `DeathCodingSource` lives in a process (the Runtime's `deathCoding`): ingest asks it at the
 * start of every batch, the review and lexicon routes and the recode job ask it too, so an
 * approval reaches every coding path without a restart. The ED coder reads the same terms
 * (`overlayTerms`) through its own source, pipeline/ingest/ed-coding.ts, and takes the drug terms
 * that map to an ICD-10-CM category (pipeline/coding/ed/overlay-terms.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CERTIFICATE_CODER_VERSION, createCertificateCoder } from '../coding/deaths/certificate-coder.ts';
import type { CodedCertificate, DeathCoder } from '../coding/deaths/types.ts';
import { committedLexiconVersion, loadLexicon, type Lexicon, type LexiconEntry, type LexiconKind } from '../coding/lexicon/lexicon.ts';
import { overlayVersion, withOverlay, type OverlayTerm } from '../coding/lexicon/overlay.ts';
import type { Certificate } from '../records/certificate.ts';
import type { QueryCatalog } from '../store/sql-files.ts';

export async function overlayTerms(connection: DuckDBConnection, queries: QueryCatalog): Promise<OverlayTerm[]> {
  const rows = await queries.rows(connection, 'lexicon_overlay_terms');
  return rows.map((r) => ({ term: String(r.term), code: String(r.code), kind: r.kind as LexiconKind, drugName: r.drug_name === null ? null : String(r.drug_name) }));
}

/** The lexicon version the database's approved terms make of the committed lexicon. */
export async function currentLexiconVersion(connection: DuckDBConnection, queries: QueryCatalog): Promise<string> {
  return overlayVersion(committedLexiconVersion(), await overlayTerms(connection, queries));
}

/**
 * A certificate coder over one lexicon, built on its first certificate (~0.6 s, ~105 MB): a
 * process that never codes a certificate on this thread (its coding workers do) pays nothing. It
 * remembers the source that made it, so `withApprovedTerms` given the runtime's committed coder
 * answers with the source's current coder instead of building another.
 */
class SourcedCoder implements DeathCoder {
  readonly coderVersion: string = CERTIFICATE_CODER_VERSION;
  readonly lexiconVersion: string;
  private built: DeathCoder | null = null;

  constructor(
    readonly source: DeathCodingSource | null,
    private readonly lexicon: Lexicon,
  ) {
    this.lexiconVersion = lexicon.version;
  }

  // An own property, not a method: callers spread coders ({ ...coder, code }) in tests.
  readonly code = (certificate: Certificate): CodedCertificate => (this.built ??= createCertificateCoder(this.lexicon)).code(certificate);

  /** Frees the built coder (it is built again if this one codes again: same lexicon, same results). */
  release(): void {
    this.built = null;
  }
}

/**
 * The death coding for one set of approved terms: what a batch codes with from its first record
 * to its commit, whatever is approved meanwhile (the versions it records say which terms it had).
 */
export class DeathCoding {
  readonly coderVersion: string = CERTIFICATE_CODER_VERSION;
  /** The overlay version (`<committed>+terms-<n>-<sha8>`), the committed version without terms. */
  readonly lexiconVersion: string;
  readonly lexicon: Lexicon;
  readonly coder: DeathCoder;
  private readonly sourced: SourcedCoder;
  private byTerm: Map<string, LexiconEntry[]> | null = null;

  /** `terms` are what a coding worker thread is sent to build the same coder (they are few and small). */
  constructor(
    base: Lexicon,
    readonly terms: readonly OverlayTerm[],
    source: DeathCodingSource | null = null,
  ) {
    this.lexicon = withOverlay(base, terms);
    this.lexiconVersion = this.lexicon.version;
    this.coder = this.sourced = new SourcedCoder(source, this.lexicon);
  }

  /** Frees the built coder (~105 MB); it is built again if this coding codes again. */
  releaseCoder(): void {
    this.sourced.release();
  }

  /** The lexicon's rows for a normalised term (what an approval would replace). */
  entriesOf(term: string): LexiconEntry[] {
    if (!this.byTerm) {
      const byTerm = new Map<string, LexiconEntry[]>();
      for (const entry of this.lexicon.entries) (byTerm.get(entry.term) ?? byTerm.set(entry.term, []).get(entry.term)!).push(entry);
      this.byTerm = byTerm;
    }
    return this.byTerm.get(term) ?? [];
  }
}

/**
 * The lexicon and coder for the database's approved terms. Every `current` call reads the terms
 * (one small query): that is how an approval, by this process or another, invalidates the coder
 * in use, and the next batch codes with the new term. The coding is rebuilt only when the version
 * changes (a coder is ~0.6 s and ~105 MB to build). The committed coding (no terms) is kept
 * apart: it is the runtime's `coder`, and it is what a database without approved terms uses.
 */
export class DeathCodingSource {
  private base: Lexicon | null = null;
  private committed: DeathCoding | null = null;
  private latest: DeathCoding | null = null;

  constructor(private readonly loadBase: () => Lexicon = loadLexicon) {}

  /** The coding for the terms approved in the database now. */
  async current(connection: DuckDBConnection, queries: QueryCatalog): Promise<DeathCoding> {
    return this.codingFor(await overlayTerms(connection, queries));
  }

  /** The coding for `terms` (the latest one is kept; an older set is built again if asked for). */
  codingFor(terms: readonly OverlayTerm[]): DeathCoding {
    const base = this.baseLexicon();
    if (terms.length === 0) return (this.committed ??= new DeathCoding(base, [], this));
    const version = overlayVersion(base.version, terms);
    if (this.latest?.lexiconVersion !== version) {
      this.latest = new DeathCoding(base, terms, this);
      // Terms are approved, never withdrawn: the committed coder (~105 MB) is not needed again,
      // save by a batch that had started before the approval or a caller holding the runtime's coder.
      this.committed?.releaseCoder();
    }
    return this.latest;
  }

  /** The committed lexicon alone (read once, on first use). */
  baseLexicon(): Lexicon {
    return (this.base ??= this.loadBase());
  }

  /** The coder over the committed lexicon with no approved term (built on its first certificate). */
  committedCoder(): DeathCoder {
    return this.codingFor([]).coder;
  }

  async lexicon(connection: DuckDBConnection, queries: QueryCatalog): Promise<Lexicon> {
    return (await this.current(connection, queries)).lexicon;
  }

  /** The current lexicon's rows for a normalised term (what an approval would replace). */
  async entriesOf(connection: DuckDBConnection, queries: QueryCatalog, term: string): Promise<LexiconEntry[]> {
    return (await this.current(connection, queries)).entriesOf(term);
  }

  async coder(connection: DuckDBConnection, queries: QueryCatalog): Promise<DeathCoder> {
    return (await this.current(connection, queries)).coder;
  }
}

/** The source a coder came from, when a `DeathCodingSource` made it. */
function sourceOf(coder: DeathCoder): DeathCodingSource | null {
  return coder instanceof SourcedCoder ? coder.source : null;
}

/** The lexicon version `withApprovedTerms` would give `coder`, without building a coder. */
export async function approvedLexiconVersion(connection: DuckDBConnection, queries: QueryCatalog, coder: DeathCoder): Promise<string> {
  const source = sourceOf(coder);
  if (source) return (await source.current(connection, queries)).lexiconVersion;
  const terms = await overlayTerms(connection, queries);
  const committed = committedLexiconVersion();
  return terms.length > 0 && coder.lexiconVersion === committed ? overlayVersion(committed, terms) : coder.lexiconVersion;
}

/**
 * The coder to recode with: a source's coder (the runtime's) → the source's current coder;
 * `coder` itself when it already has the approved terms (or there are none); the same coder over
 * the committed lexicon plus the terms when it was built from the committed lexicon alone.
 * Anything else would code with a lexicon the database does not know.
 */
export async function withApprovedTerms(connection: DuckDBConnection, queries: QueryCatalog, coder: DeathCoder): Promise<DeathCoder> {
  const source = sourceOf(coder);
  if (source) return (await source.current(connection, queries)).coder;
  const terms = await overlayTerms(connection, queries);
  if (terms.length === 0) return coder;
  const committed = committedLexiconVersion();
  if (coder.lexiconVersion === overlayVersion(committed, terms)) return coder;
  if (coder.lexiconVersion !== committed || coder.coderVersion !== CERTIFICATE_CODER_VERSION) {
    throw new Error(
      `cannot add the ${terms.length} approved lexicon terms to coder ${coder.coderVersion} with lexicon ${coder.lexiconVersion}: ` +
        `it is not ${CERTIFICATE_CODER_VERSION} over the committed lexicon ${committed}`,
    );
  }
  return createCertificateCoder(withOverlay(loadLexicon(), terms));
}
