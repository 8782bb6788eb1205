/**
 * The ED coding a process uses: the ED coder over the committed tables plus the death lexicon's
 * approved drug terms (lexicon_overlay_terms, mapped to ICD-10-CM by
 * pipeline/coding/ed/overlay-terms.ts), and a syndrome engine over the active definitions in the
 * database, rebuilt when a definition is added or activated.
 *
 * One `EdCodingSource` lives in a process (the Runtime's `edCoding`). Every ED batch asks it when
 * it starts (`batchEdCoding`), and the ED recode asks it too (`withApprovedEdTerms`): asking reads
 * the terms (one small query), so an approval, by this process or another, reaches the next ED
 * batch without a restart. The coder is rebuilt only when the ED version changes (the tables are
 * read once, ~0.2 s; a coder over them is built on first use). ED batches code on the calling
 * thread (coding workers code certificates only), so no terms travel to worker threads.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createEdCoder, ED_CODER_VERSION, type EdCoder } from '../coding/ed/index.ts';
import { edOutcomeOf, withEdOverlay, type EdOverlay, type EdTermOutcome } from '../coding/ed/overlay-terms.ts';
import { createSyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import { loadEdTables, type EdTables } from '../coding/ed/tables.ts';
import { overlayVersion, type OverlayTerm } from '../coding/lexicon/overlay.ts';
import { overlayTerms } from '../review/lexicon-overlay.ts';
import { ensureBuiltinDefinitions, listDefinitions, syndromeSetLabel } from '../store/syndrome-definitions.ts';
import { QueryCatalog } from '../store/sql-files.ts';
import type { EdCoding } from './ed-staging.ts';
import type { SyndromeDefinition } from '../coding/ed/syndromes/definition.ts';

const queries = new QueryCatalog();

/** What the approved terms are to the ED coder: its version, and per term whether it reaches ED and how, or why not. */
export interface EdOverlayStatus {
  /** The ED lexicon version codings record: `ed-lexicon/<date>-<sha8>+terms-<n>-<sha8>`, the committed one when no term reaches ED. */
  lexiconVersion: string;
  committedVersion: string;
  terms: EdTermOutcome[];
}

/** The approved terms in force (the same query the death coding reads). */
export function approvedTerms(connection: DuckDBConnection): Promise<OverlayTerm[]> {
  return overlayTerms(connection, queries);
}

/** The source each coding it handed out came from, so a caller holding a coding can ask its source for the current one. */
const sources = new WeakMap<EdCoding, EdCodingSource>();

export class EdCodingSource {
  private base: EdTables | null = null;
  private engine: { syndromes: EdCoding['syndromes']; syndromeSet: string; definitions: readonly SyndromeDefinition[] } | null = null;
  /** The approved terms as last read, and a key over them (equal terms, equal key). */
  private terms: readonly OverlayTerm[] = [];
  private termsKey = '';
  /** The ED overlay for `termsKey` and its coder (built on first use). */
  private overlay: { termsKey: string; overlay: EdOverlay } | null = null;
  private coder: EdCoder | null = null;

  constructor(private readonly loadBase: () => EdTables = loadEdTables) {}

  /** Writes missing built-in definitions, then builds the engine from what is active and reads the approved terms. */
  async open(connection: DuckDBConnection): Promise<this> {
    await ensureBuiltinDefinitions(connection);
    await this.reload(connection);
    return this;
  }

  /** Rebuilds the engine from the database's active definitions (after a change), and reads the approved terms. */
  async reload(connection: DuckDBConnection): Promise<void> {
    const definitions = (await listDefinitions(connection)).filter((d) => d.active);
    this.engine = { syndromes: createSyndromeEngine(definitions), syndromeSet: syndromeSetLabel(definitions), definitions };
    this.setTerms(await approvedTerms(connection));
  }

  /** The coding for the terms approved in the database now: what an ED batch or recode starts with. */
  async refresh(connection: DuckDBConnection): Promise<EdCoding> {
    this.setTerms(await approvedTerms(connection));
    return this.current();
  }

  /**
   * The coding for the terms read last (at open, reload or refresh), for callers that cannot wait;
   * `batchEdCoding` and `withApprovedEdTerms` turn it into the current one.
   */
  current(): EdCoding {
    if (this.engine === null) throw new Error('EdCodingSource used before open()');
    const overlay = this.currentOverlay();
    if (this.coder?.lexiconVersion !== overlay.version) this.coder = createEdCoder(overlay.tables);
    const { syndromes, syndromeSet, definitions } = this.engine;
    const portable = { coderVersion: this.coder.coderVersion, lexiconVersion: this.coder.lexiconVersion, terms: this.terms, definitions, syndromeSet };
    const coding: EdCoding = { coder: this.coder, syndromes, syndromeSet, portable };
    sources.set(coding, this);
    return coding;
  }

  /** What the approved terms read last are to the ED coder (its version; each term mapped, or why not). */
  status(): EdOverlayStatus {
    const overlay = this.currentOverlay();
    return { lexiconVersion: overlay.version, committedVersion: this.baseTables().version, terms: overlay.outcomes };
  }

  /** What one term would be to the ED coder (a proposal says so before it is approved). */
  outcomeOf(term: OverlayTerm): EdTermOutcome {
    return edOutcomeOf(this.baseTables(), term);
  }

  /** The committed ED tables alone (read once, on first use). */
  baseTables(): EdTables {
    return (this.base ??= this.loadBase());
  }

  private setTerms(terms: readonly OverlayTerm[]): void {
    this.terms = terms;
    this.termsKey = overlayVersion('', terms);
  }

  /** The overlay for the terms read last, mapped again only when they changed. */
  private currentOverlay(): EdOverlay {
    if (this.overlay?.termsKey !== this.termsKey) this.overlay = { termsKey: this.termsKey, overlay: withEdOverlay(this.baseTables(), this.terms) };
    return this.overlay.overlay;
  }
}

/**
 * The ED coding a batch starting now codes with, from its first visit to its commit: a source's
 * coding → the source's coding for the terms in the database now; any other coding (a tool's
 * fixed coder) as it is (its codings record its version, and the recode job codes them again).
 */
export async function batchEdCoding(connection: DuckDBConnection, coding: EdCoding): Promise<EdCoding> {
  const source = sources.get(coding);
  return source ? source.refresh(connection) : coding;
}

/**
 * The ED coding to recode with: a source's coding → the source's current one; `coding` itself
 * when its coder already has the approved terms; the same coder over the committed tables plus the
 * terms when it was built from the committed tables alone. Anything else would code with a table
 * the database does not know, and is refused.
 */
export async function withApprovedEdTerms(connection: DuckDBConnection, coding: EdCoding): Promise<EdCoding> {
  const source = sources.get(coding);
  if (source) return source.refresh(connection);
  const base = loadEdTables();
  const overlay = withEdOverlay(base, await approvedTerms(connection));
  if (coding.coder.lexiconVersion === overlay.version) return coding;
  if (coding.coder.coderVersion !== ED_CODER_VERSION || coding.coder.lexiconVersion !== base.version) {
    throw new Error(
      `cannot add the approved lexicon terms to ED coder ${coding.coder.coderVersion} with lexicon ${coding.coder.lexiconVersion}: ` +
        `it is not ${ED_CODER_VERSION} over the committed ED tables ${base.version}`,
    );
  }
  return { ...coding, coder: createEdCoder(overlay.tables) };
}
