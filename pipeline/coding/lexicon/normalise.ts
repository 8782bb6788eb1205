/**
 * The one text normalisation shared by the lexicon builder and the coders, so a term in the
 * lexicon and the same words on a certificate always compare equal: lower case, accents removed,
 * every run of characters other than letters and digits becomes one space.
 * "Methicillin-resistant S. aureus" → "methicillin resistant s aureus".
 */
export function normaliseText(text: string): string {
  let out = text.toLowerCase();
  // Only pay for Unicode decomposition when the text has non-ASCII characters.
  if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return out.replace(/[^a-z0-9]+/g, ' ').trim();
}
