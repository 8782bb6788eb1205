/**
 * The CCDD field ESSENCE queries search (CDC NSSP: "Chief Complaint Discharge Diagnosis"): the
 * chief complaint, then ` ;`, then each discharge diagnosis code dotted and undotted, each followed
 * by `;`:
 *
 *   "OD on fent, narcan x2 ;T40.411A;T40411A;F11.120;F11120;"
 *
 * so `^T40.41^`, `^T4041^` and the CDC style `^[;/ ]T40.41^` all find the code, and a term about
 * the text cannot run into a code.
 *
 * The triage note is not part of ESSENCE's CCDD. vigil adds it after the chief complaint (` | `
 * between them) when asked: terse complaints ("found down", "OD") often leave the drug to the
 * note ("states used fent"), and that is where keyword definitions lose most of their recall.
 */
import type { EdVisit } from '../../../records/ed-visit.ts';

export type CcddSource = Pick<EdVisit, 'chiefComplaint' | 'dischargeDiagnoses'> & { triageNote?: string | null };

/** The CCDD text of a visit; null when it has neither a chief complaint nor a code (ISNULL). */
export function ccddText(visit: CcddSource, options: { triageNote?: boolean } = {}): string | null {
  const codes = visit.dischargeDiagnoses;
  const note = options.triageNote ? (visit.triageNote ?? null) : null;
  if (visit.chiefComplaint === null && note === null && codes.length === 0) return null;
  let text = visit.chiefComplaint ?? '';
  if (note !== null) text += ` | ${note}`;
  if (codes.length === 0) return text;
  text += ' ;';
  for (const raw of codes) {
    const code = raw.trim().toUpperCase();
    if (code === '') continue;
    const dot = code.indexOf('.');
    const undotted = dot < 0 ? code : code.slice(0, dot) + code.slice(dot + 1);
    const dotted = dot >= 0 || code.length <= 3 ? code : `${code.slice(0, 3)}.${code.slice(3)}`;
    text += dotted === undotted ? `${code};` : `${dotted};${undotted};`;
  }
  return text;
}
