/**
 * The death lexicon's approved terms (lexicon_overlay_terms: term, WHO ICD-10 code, kind, drug
 * name) carried over to the ED coder's drug table, which is keyed by ICD-10-CM poisoning category.
 * Pure: the terms come from the caller, the tables from tables.ts.
 *
 * The rule, per approved term, first that applies (README "Approved terms"):
 *   1. Not a drug (kind condition, injury, external, ill-defined, mechanism): does not reach ED.
 *      The ED coder takes conditions and injuries from the submitted diagnoses; its text
 *      vocabulary is drugs and cue phrases only.
 *   2. Its drug name, else the term itself, is a substance the ED table knows (a term or a
 *      canonical name with a category): that substance's category(ies) and canonical name
 *      ("zorbex" naming fentanyl → T40.41, "fentanyl"). A substance's category wins over the WHO
 *      code's: CM is finer (fentanyl is T40.41, not "other synthetic narcotics"), and where the two
 *      classifications differ (buprenorphine: WHO T40.2, CM T40.49) the ED side follows CM.
 *   3. The bridge (data/cm-death-bridge.tsv) read backwards: the CM categories whose death-side
 *      code is the term's WHO code; one → that one; several → the block's "other" category, the
 *      WHO code followed by 9 (T40.4 → T40.49, T43.6 → T43.69, T50.9 → T50.99), or for a
 *      three-character WHO code its .8 (T58 → T58.8). Named after the term (or its drug name).
 *   4. Otherwise no CM mapping (T40.7 is cannabis T40.71 or synthetic cannabinoids T40.72, with no
 *      "other"): reported, with the reason, never dropped silently.
 *
 * A mapped term replaces the ED table's rows of the same term (as a curated row replaces Table of
 * Drugs rows), keeping two of their flags: "ambiguous" and "verb" describe how the word is used in
 * triage text, which an approval of its meaning does not change ("ice" stays a drug only next to a
 * use word); "generic" (names no drug) is what the approval does change. A new term is a curated one: its words become spelling-correction targets, as the
 * death matcher corrects "zombrexx".
 */
import crypto from 'node:crypto';
import { CmCodes } from './cm-codes.ts';
import type { LexiconKind } from '../lexicon/lexicon.ts';
import { normaliseText } from '../lexicon/normalise.ts';
import type { OverlayTerm } from '../lexicon/overlay.ts';
import type { DrugTerm, EdTables } from './tables.ts';

/** An approved term as the ED coder takes it: one row per CM category it names. */
export interface EdOverlayRow {
  term: string;
  name: string;
  category: string;
}

export type EdTermOutcome =
  | {
      term: string;
      code: string;
      kind: LexiconKind;
      reachesEd: true;
      /** How the category was chosen: the substance the ED table knows, or the bridge's category for the WHO code. */
      via: 'substance' | 'bridge';
      rows: EdOverlayRow[];
      /** The accidental initial-encounter codes the text will get: `T40.411A`. */
      accidentalCodes: string[];
      /** Why, in words (which substance or which bridge rule; a WHO/CM class difference). */
      detail: string;
    }
  | { term: string; code: string; kind: LexiconKind; reachesEd: false; reason: string };

export interface EdOverlay {
  /** `<committed ED version>+terms-<n>-<sha8>` over the rows that reach ED; the committed version when none do. */
  version: string;
  tables: EdTables;
  outcomes: EdTermOutcome[];
}

/** What a substance the ED table knows resolves to: its rows with a category, by term or by canonical name. */
function substanceRows(tables: EdTables, name: string): DrugTerm[] {
  const byTerm = tables.terms.filter((t) => t.term === name && t.category !== null && !t.generic);
  if (byTerm.length > 0) return byTerm;
  const byName = tables.terms.filter((t) => t.category !== null && !t.generic && normaliseText(t.name) === name);
  // Canonical names map to one category in the committed table; keep one row per category.
  return byName.filter((t, i) => byName.findIndex((o) => o.category === t.category) === i);
}

/** The CM category the bridge gives a WHO code (rule 3), or why there is none. */
export function bridgeCategory(tables: EdTables, whoCode: string): { category: string; rule: string } | { category: null; reason: string } {
  const candidates = [...tables.categories.values()].filter((c) => c.deathCode === whoCode).map((c) => c.category).sort();
  if (candidates.length === 1) return { category: candidates[0]!, rule: `the only CM category the bridge gives ${whoCode}` };
  if (candidates.length === 0) return { category: null, reason: `no CM category bridges to WHO ${whoCode}` };
  const other = whoCode.includes('.') ? `${whoCode}9` : `${whoCode}.8`;
  if (candidates.includes(other)) return { category: other, rule: `the "other" category of the ${candidates.length} CM categories of WHO ${whoCode} (${candidates.join(', ')})` };
  const titled = candidates.map((c) => `${c} ${tables.categories.get(c)!.title}`).join('; ');
  return { category: null, reason: `WHO ${whoCode} is ${candidates.length} CM categories (${titled}) and none of them is its "other" (${other}): which one the term names is not known` };
}

/** What one approved term becomes for the ED coder (the rule in the header). */
export function edOutcomeOf(tables: EdTables, term: OverlayTerm, cm: CmCodes = new CmCodes(tables.categories)): EdTermOutcome {
  const head = { term: term.term, code: term.code, kind: term.kind };
  if (term.kind !== 'drug') {
    return { ...head, reachesEd: false, reason: `a ${term.kind.replace('_', '-')} term: the ED coder takes conditions and injuries from the submitted diagnoses, its text lexicon is drugs only` };
  }
  const accidental = (rows: EdOverlayRow[]) => [...new Set(rows.map((r) => r.category))].map((c) => cm.poisoning(c, '1'));
  for (const name of term.drugName !== null && term.drugName !== term.term ? [term.drugName, term.term] : [term.term]) {
    const known = substanceRows(tables, name);
    if (known.length === 0) continue;
    const rows = known.map((k) => ({ term: term.term, name: k.name, category: k.category! }));
    const classes = [...new Set(known.map((k) => tables.categories.get(k.category!)!.deathCode))];
    const other = classes.filter((c) => c !== term.code);
    const differs = other.length > 0 ? `; through the bridge that is WHO ${other.join(', ')}, the approved code is ${term.code} (ED follows CM)` : '';
    return { ...head, reachesEd: true, via: 'substance', rows, accidentalCodes: accidental(rows), detail: `"${name}" is ${rows.map((r) => `${r.name} ${r.category}`).join(' + ')} in the ED drug table${differs}` };
  }
  const bridged = bridgeCategory(tables, term.code);
  if (bridged.category === null) return { ...head, reachesEd: false, reason: `no ICD-10-CM mapping: ${term.drugName ?? term.term} is not in the ED drug table and ${bridged.reason}` };
  const rows = [{ term: term.term, name: term.drugName ?? term.term, category: bridged.category }];
  return { ...head, reachesEd: true, via: 'bridge', rows, accidentalCodes: accidental(rows), detail: `${bridged.category} (${tables.categories.get(bridged.category)!.title}): ${bridged.rule}` };
}

/** Rows in a fixed order, so equal overlays give equal versions whatever order the terms were read in. */
function sortedRows(rows: readonly EdOverlayRow[]): EdOverlayRow[] {
  const key = (r: EdOverlayRow) => `${r.term}\t${r.category}\t${r.name}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * `<committed ED version>+terms-<n>-<first 8 hex of the sha256 of the rows>`, n = the approved
 * terms that reach ED. Only those: approving a condition, or a drug with no CM mapping, leaves
 * every ED coding current (nothing for the recode to do).
 */
export function edOverlayVersion(baseVersion: string, rows: readonly EdOverlayRow[]): string {
  if (rows.length === 0) return baseVersion;
  const text = sortedRows(rows).map((r) => `${r.term}\t${r.category}\t${r.name}\n`).join('');
  const terms = new Set(rows.map((r) => r.term)).size;
  return `${baseVersion}+terms-${terms}-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}

/** The committed ED tables with the approved terms that map (the others are in `outcomes`, with why). */
export function withEdOverlay(base: EdTables, terms: readonly OverlayTerm[]): EdOverlay {
  const cm = new CmCodes(base.categories);
  const outcomes = [...terms].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0)).map((t) => edOutcomeOf(base, t, cm));
  const rows = outcomes.flatMap((o) => (o.reachesEd ? o.rows : []));
  if (rows.length === 0) return { version: base.version, tables: base, outcomes };
  const flagsOf = new Map<string, DrugTerm>();
  for (const t of base.terms) if (!flagsOf.has(t.term)) flagsOf.set(t.term, t);
  const replaced = new Set(rows.map((r) => r.term));
  const added: DrugTerm[] = sortedRows(rows).map((r) => {
    const was = flagsOf.get(r.term);
    // The approval names a substance: the term no longer says "a drug" without naming one.
    return { term: r.term, name: r.name, category: r.category, ambiguous: was?.ambiguous ?? false, generic: false, verb: was?.verb ?? false, curated: true };
  });
  const version = edOverlayVersion(base.version, rows);
  return { version, tables: { ...base, version, terms: [...base.terms.filter((t) => !replaced.has(t.term)), ...added] }, outcomes };
}
