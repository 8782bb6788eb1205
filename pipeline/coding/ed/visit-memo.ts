/**
 * Remembers a value per visit text: what the ED coder and the syndrome engine read of a visit is
 * its chief complaint, triage note and discharge diagnoses (and, for the coder, whether the
 * patient is under 6). Those recur constantly ("CP", "abd pain", the same note templates), so
 * most visits are answered by a few map reads instead of being coded again.
 *
 * The keys are the visit's own field strings, one map level each (complaint → note → each code),
 * rather than one string built from them: building, flattening and hashing a new key string for
 * every visit cost more than the reads (measured in the syndrome engine: 1.4 against 0.8 µs a
 * visit over 1M generated visits). An absent field has a slot of its own, so no text can be
 * taken for another.
 */

/** One level of keys: a string field, or its absence (null), each leading to the next level. */
class Level<Next> {
  private readonly byText = new Map<string, Next>();
  private absent: Next | undefined;

  constructor(private readonly make: () => Next) {}

  at(key: string | null): Next {
    if (key === null) return (this.absent ??= this.make());
    let next = this.byText.get(key);
    if (next === undefined) this.byText.set(key, (next = this.make()));
    return next;
  }

  /** The next level of a key, without making it. */
  find(key: string | null): Next | undefined {
    return key === null ? this.absent : this.byText.get(key);
  }
}

/** The codes, one level each (a trie): no key string is built for a visit's list. */
class CodesNode<V> {
  value: V | undefined;
  private next: Map<string, CodesNode<V>> | undefined;

  child(code: string): CodesNode<V> {
    this.next ??= new Map();
    let node = this.next.get(code);
    if (node === undefined) this.next.set(code, (node = new CodesNode()));
    return node;
  }

  find(code: string): CodesNode<V> | undefined {
    return this.next?.get(code);
  }
}

const newCodesNode = <V>(): CodesNode<V> => new CodesNode<V>();

/** The fields a visit is remembered by. */
export interface VisitText {
  chiefComplaint: string | null;
  triageNote?: string | null;
  dischargeDiagnoses: readonly string[];
}

type Root<V> = Level<Level<CodesNode<V>>>;

/**
 * When full, the memo keeps its last generation instead of starting again empty: a value found
 * only there is carried into the new one, so the texts that recur ("CP", the note templates) stay
 * remembered and only the ones not seen for a whole generation are dropped. Emptying the memo
 * instead cost 157,332 codings for the 135,076 distinct texts of 1M generated visits (capacity
 * 100,000): every common text coded again after each clear.
 */
export class VisitTextMemo<V> {
  private roots: Root<V>[] = [];
  private previous: Root<V>[] = [];
  private remembered = 0;

  /** @param capacity how many visits a generation remembers (at most twice that are held). */
  constructor(private readonly capacity: number) {}

  /**
   * The value remembered for this text, else `compute()` remembered (`compute` must not return undefined).
   * @param band a small number for what else the value depends on (the coder's age band), 0 when nothing
   * @param readNote whether the value depends on the triage note (the engine can leave it out)
   */
  get<T extends VisitText>(visit: T, band: number, readNote: boolean, compute: (visit: T) => V): V {
    if (this.capacity <= 0) return compute(visit);
    // A new generation before a lookup, so the visit that fills this one is kept in the next.
    if (this.remembered >= this.capacity) {
      this.previous = this.roots;
      this.roots = [];
      this.remembered = 0;
    }
    const node = nodeOf((this.roots[band] ??= newRoot()), visit, readNote);
    let value = node.value;
    if (value === undefined) {
      const older = this.previous[band];
      value = node.value = (older && valueIn(older, visit, readNote)) ?? compute(visit);
      this.remembered++;
    }
    return value;
  }
}

const newRoot = <V>(): Root<V> => new Level(() => new Level<CodesNode<V>>(newCodesNode));

/** The node of a visit's text (made on the way when absent). */
function nodeOf<V>(root: Root<V>, visit: VisitText, readNote: boolean): CodesNode<V> {
  let node = root.at(visit.chiefComplaint).at(readNote ? (visit.triageNote ?? null) : null);
  for (const code of visit.dischargeDiagnoses) node = node.child(code);
  return node;
}

/** The value an older generation holds for a visit's text, making nothing. */
function valueIn<V>(root: Root<V>, visit: VisitText, readNote: boolean): V | undefined {
  let node = root.find(visit.chiefComplaint)?.find(readNote ? (visit.triageNote ?? null) : null);
  for (const code of visit.dischargeDiagnoses) node = node?.find(code);
  return node?.value;
}
