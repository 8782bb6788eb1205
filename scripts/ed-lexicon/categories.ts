/**
 * ICD-10-CM poisoning and toxic-effect categories (T36-T65) from the FY2025 code list: for each,
 * the accidental code as the tabular list prints it (T40.411, T40.1X1, T42.71, T58.01), the intents
 * that exist (1 accidental, 2 intentional self-harm, 3 assault, 4 undetermined) and a short title.
 * The category is the accidental code without its intent character and trailing placeholders:
 * T40.411 → T40.41, T40.1X1 → T40.1, T42.71 → T42.7 (CM puts intent in the 5th character of
 * T36.9, T37.9, T39.9, T41.4, T42.7, T43.9, T45.9, T47.9, T49.9 and most of T51-T65).
 */
export interface PoisoningCategory {
  category: string;
  accidental: string;
  intents: string;
  title: string;
}

/** The title ends in the intent; a few FY2025 titles lack the comma ("methamphetamines accidental"). */
const INTENT_SUFFIX = /,? (accidental \(unintentional\)|intentional self-harm|assault|undetermined)$/;
const INTENT_DIGIT: Record<string, string> = { 'accidental (unintentional)': '1', 'intentional self-harm': '2', assault: '3', undetermined: '4' };
const PREFIX = /^(?:Poisoning by|Toxic effect of) /;

export function categoryOfAccidental(code: string): string {
  return code.slice(0, -1).replace(/X+$/, '').replace(/\.$/, '');
}

export function poisoningCategories(codeRows: Iterable<Record<string, string>>): PoisoningCategory[] {
  const byStem = new Map<string, { accidental: string | null; intents: Set<string>; title: string }>();
  for (const row of codeRows) {
    const code = row.Code ?? '';
    const description = row.Description ?? '';
    if (!/^T(3[6-9]|[45]\d|6[0-5])\./.test(code)) continue;
    const suffix = INTENT_SUFFIX.exec(description);
    if (!suffix) continue;
    const digit = INTENT_DIGIT[suffix[1]!]!;
    if (!code.endsWith(digit)) throw new Error(`ICD10CM_2025_codes.csv: ${code} "${description}" does not end in intent ${digit}`);
    const stem = code.slice(0, -1);
    let entry = byStem.get(stem);
    if (!entry) byStem.set(stem, (entry = { accidental: null, intents: new Set(), title: '' }));
    entry.intents.add(digit);
    if (digit === '1') {
      entry.accidental = code;
      entry.title = description.slice(0, suffix.index).replace(PREFIX, '');
    }
  }
  const out: PoisoningCategory[] = [];
  const seen = new Set<string>();
  for (const [stem, entry] of byStem) {
    if (!entry.accidental) throw new Error(`ICD10CM_2025_codes.csv: ${stem}- has intents ${[...entry.intents].join('')} but no accidental code`);
    const category = categoryOfAccidental(entry.accidental);
    if (seen.has(category)) throw new Error(`two accidental codes give category ${category}`);
    seen.add(category);
    out.push({ category, accidental: entry.accidental, intents: [...entry.intents].sort().join(''), title: entry.title });
  }
  return out.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}
