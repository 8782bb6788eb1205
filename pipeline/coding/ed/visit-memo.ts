/**
 * Remembers a value per visit text: what the ED coder and the syndrome engine read of a visit is
 * its chief complaint, triage note and discharge diagnoses (and, for the coder, whether the
 * patient is under 6). Those recur constantly ("CP", "abd pain", the same note templates), so
 * most visits are answered by three map reads instead of being coded again.
 *
 * The keys are the visit's own field strings, one map level each (complaint → note → codes),
 * rather than one string built from them: building, flattening and hashing a new key string for
 * every visit cost more than the three reads (measured in the syndrome engine: 1.4 against
 * 0.8 µs a visit over 1M generated visits).
 */

/** Stands for an absent field in the keys and joins the codes; a visit whose text holds it is not remembered. */
const ABSENT = '\u0000';

type ByNote<V> = Map<string, Map<string, V>>;

/** The fields a visit is remembered by. */
export interface VisitText {
  chiefComplaint: string | null;
  triageNote?: string | null;
  dischargeDiagnoses: readonly string[];
}

export class VisitTextMemo<V> {
  private readonly roots: Map<string, ByNote<V>>[] = [];
  private remembered = 0;

  /** @param capacity how many visits to remember; when full, the memo starts again empty. */
  constructor(private readonly capacity: number) {}

  /**
   * The value remembered for this text, else `compute()` remembered (`compute` must not return undefined).
   * @param band a small number for what else the value depends on (the coder's age band), 0 when nothing
   * @param readNote whether the value depends on the triage note (the engine can leave it out)
   */
  get<T extends VisitText>(visit: T, band: number, readNote: boolean, compute: (visit: T) => V): V {
    const complaint = visit.chiefComplaint;
    const note = readNote ? (visit.triageNote ?? null) : null;
    const codes = visit.dischargeDiagnoses;
    // A field holding the stand-in itself would share a key with another visit: such a (rare) visit is computed.
    if (complaint === ABSENT || note === ABSENT || this.capacity <= 0 || codes.some((c) => c.includes(ABSENT))) return compute(visit);
    const codesKey = codes.length === 0 ? '' : codes.length === 1 ? codes[0]! : codes.join(ABSENT);
    // Emptied before a lookup, so the visit that fills the memo is kept in the new one.
    if (this.remembered >= this.capacity) {
      this.roots.length = 0;
      this.remembered = 0;
    }
    let byComplaint = this.roots[band];
    if (byComplaint === undefined) this.roots[band] = byComplaint = new Map();
    const complaintKey = complaint ?? ABSENT;
    let byNote = byComplaint.get(complaintKey);
    if (byNote === undefined) byComplaint.set(complaintKey, (byNote = new Map()));
    const noteKey = note ?? ABSENT;
    let byCodes = byNote.get(noteKey);
    if (byCodes === undefined) byNote.set(noteKey, (byCodes = new Map()));
    let value = byCodes.get(codesKey);
    if (value === undefined) {
      value = compute(visit);
      this.remembered++;
      byCodes.set(codesKey, value);
    }
    return value as V;
  }
}
