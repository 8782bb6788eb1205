/**
 * Terms approved at run time (a coder's proposal, an admin's approval), laid over the committed
 * lexicon. The result is an ordinary `Lexicon`, so the coder's real matcher (spelling correction,
 * longest match, context cues) sees an approved term exactly as it sees a committed one. Its
 * version names the committed version and the overlay's content, so every coding says which terms
 * it was made with, and the recode job sees every coding made before an approval as stale.
 * Pure: the terms come from the caller (they are stored in DuckDB, lexicon_overlay_terms).
 */
import crypto from 'node:crypto';
import type { Lexicon, LexiconEntry, LexiconKind } from './lexicon.ts';
import { normaliseText } from './normalise.ts';

export interface OverlayTerm {
  /** Normalised (normaliseText). */
  term: string;
  /** Dotted WHO ICD-10 code. */
  code: string;
  kind: LexiconKind;
  /** For a drug term: the canonical substance it names ("tranq" → "xylazine"); null = itself. */
  drugName: string | null;
}

/** The source an overlay row carries in `LexiconEntry.source`. */
export const OVERLAY_SOURCE = 'overlay';

/** Terms in a fixed order, so equal overlays give equal versions whatever order they were read in. */
function sorted(terms: readonly OverlayTerm[]): OverlayTerm[] {
  return [...terms].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * `<committed version>+terms-<n>-<first 8 hex of the sha256 of the overlay rows>`, e.g.
 * `lexicon/2026-12-01-5b34b2ab+terms-2-1c9e04aa`; the committed version itself when there are none.
 */
export function overlayVersion(baseVersion: string, terms: readonly OverlayTerm[]): string {
  if (terms.length === 0) return baseVersion;
  const rows = sorted(terms).map((t) => `${t.term}\t${t.code}\t${t.kind}\t${t.drugName ?? ''}\n`).join('');
  const digest = crypto.createHash('sha256').update(rows).digest('hex').slice(0, 8);
  return `${baseVersion}+terms-${terms.length}-${digest}`;
}

/**
 * The committed lexicon with the approved terms: an approved term replaces every committed row of
 * the same term (as a curated row replaces generated ones in the build), and a drug term's
 * canonical name joins drugNames. Entries stay sorted by term then code, as in data/lexicon.tsv.
 */
export function withOverlay(base: Lexicon, terms: readonly OverlayTerm[]): Lexicon {
  if (terms.length === 0) return base;
  for (const t of terms) {
    if (t.term === '' || normaliseText(t.term) !== t.term) throw new Error(`overlay term "${t.term}" is not normalised`);
  }
  const replaced = new Set(terms.map((t) => t.term));
  const added: LexiconEntry[] = sorted(terms).map((t) => ({ term: t.term, code: t.code, kind: t.kind, source: OVERLAY_SOURCE }));
  const kept = base.entries.filter((e) => !replaced.has(e.term));
  const entries = mergeSorted(kept, added);
  const drugNames = new Map(base.drugNames);
  for (const t of terms) {
    if (t.kind === 'drug' && t.drugName !== null && t.drugName !== t.term) drugNames.set(t.term, t.drugName);
    else drugNames.delete(t.term);
  }
  return { version: overlayVersion(base.version, terms), entries, drugNames };
}

function compareEntries(a: LexiconEntry, b: LexiconEntry): number {
  return a.term < b.term ? -1 : a.term > b.term ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** Two sorted lists into one (the committed list is ~105k rows: no re-sort). */
function mergeSorted(a: readonly LexiconEntry[], b: readonly LexiconEntry[]): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && compareEntries(a[i]!, b[j]!) <= 0)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
