/**
 * The death coder with the approved terms: the committed lexicon (pipeline/coding/lexicon/data)
 * plus the overlay stored in DuckDB (lexicon_overlay_terms), built into a real coder, so an
 * approved term goes through the same matcher as every committed one. The database is the source
 * of truth: a process started from the committed data alone learns the approved terms here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { CERTIFICATE_CODER_VERSION, createCertificateCoder } from '../coding/deaths/certificate-coder.ts';
import type { DeathCoder } from '../coding/deaths/types.ts';
import { committedLexiconVersion, loadLexicon, type Lexicon, type LexiconEntry, type LexiconKind } from '../coding/lexicon/lexicon.ts';
import { overlayVersion, withOverlay, type OverlayTerm } from '../coding/lexicon/overlay.ts';
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
 * The lexicon and coder for the database's approved terms, rebuilt when they change (a coder is
 * ~0.5 s and ~115 MB to build, so it is kept while the version stays).
 */
export class DeathCodingSource {
  private base: Lexicon | null = null;
  private built: { version: string; lexicon: Lexicon; coder: DeathCoder | null; byTerm: Map<string, LexiconEntry[]> | null } | null = null;

  constructor(private readonly loadBase: () => Lexicon = loadLexicon) {}

  async lexicon(connection: DuckDBConnection, queries: QueryCatalog): Promise<Lexicon> {
    const terms = await overlayTerms(connection, queries);
    this.base ??= this.loadBase();
    const version = overlayVersion(this.base.version, terms);
    if (this.built?.version !== version) this.built = { version, lexicon: withOverlay(this.base, terms), coder: null, byTerm: null };
    return this.built.lexicon;
  }

  /** The current lexicon's rows for a normalised term (what an approval would replace). */
  async entriesOf(connection: DuckDBConnection, queries: QueryCatalog, term: string): Promise<LexiconEntry[]> {
    const lexicon = await this.lexicon(connection, queries);
    if (!this.built!.byTerm) {
      const byTerm = new Map<string, LexiconEntry[]>();
      for (const entry of lexicon.entries) (byTerm.get(entry.term) ?? byTerm.set(entry.term, []).get(entry.term)!).push(entry);
      this.built!.byTerm = byTerm;
    }
    return this.built!.byTerm.get(term) ?? [];
  }

  async coder(connection: DuckDBConnection, queries: QueryCatalog): Promise<DeathCoder> {
    const lexicon = await this.lexicon(connection, queries);
    this.built!.coder ??= createCertificateCoder(lexicon);
    return this.built!.coder;
  }
}

/** The lexicon version `withApprovedTerms` would give `coder`, without building a coder. */
export async function approvedLexiconVersion(connection: DuckDBConnection, queries: QueryCatalog, coder: DeathCoder): Promise<string> {
  const terms = await overlayTerms(connection, queries);
  const committed = committedLexiconVersion();
  return terms.length > 0 && coder.lexiconVersion === committed ? overlayVersion(committed, terms) : coder.lexiconVersion;
}

/**
 * The coder to recode with: `coder` itself when it already has the approved terms (or there are
 * none); the same coder over the committed lexicon plus the terms when it was built from the
 * committed lexicon alone. Anything else would code with a lexicon the database does not know.
 */
export async function withApprovedTerms(connection: DuckDBConnection, queries: QueryCatalog, coder: DeathCoder): Promise<DeathCoder> {
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
