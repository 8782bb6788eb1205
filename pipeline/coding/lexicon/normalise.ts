/**
 * The one text normalisation shared by the lexicon builder and the coders, so a term in the
 * lexicon and the same words on a certificate always compare equal: lower case, accents removed,
 * every run of characters other than letters and digits becomes one space.
 * "Methicillin-resistant S. aureus" → "methicillin resistant s aureus".
 *
 * Written as one scan over the characters rather than a regular-expression replace: the coders
 * normalise every sentence they have not seen before, and on the vital-signs lines of generated
 * triage notes ("BP 151/78 HR 62 RR 23 SpO2 92%") the replace alone took 1.6-2.3 µs, most of the
 * normalisation; the ED coder's cost per new visit text fell by about a third with the scan and
 * the shorthand maps (bench/code-ed.ts, "distinct texts"). The words are the same either way
 * (test/lexicon.test.ts compares the two on random strings).
 */

/** Words of the normalised text, in order: what `normaliseText` joins with single spaces. */
export function normalisedWords(text: string): string[] {
  const folded = foldCase(text);
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    const wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    if (wordChar) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      words.push(folded.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) words.push(folded.slice(start));
  return words;
}

export function normaliseText(text: string): string {
  return normalisedWords(text).join(' ');
}

/** Lower case with accents removed; only pays for Unicode decomposition when the text is not ASCII. */
function foldCase(text: string): string {
  const lower = text.toLowerCase();
  return /[^\x00-\x7f]/.test(lower) ? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : lower;
}
