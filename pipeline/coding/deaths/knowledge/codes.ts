/**
 * WHO ICD-10 code sets written as people write them: "I20-I25", "I10", "T40.4", "C00-C97",
 * several separated by commas. A 3-character bound covers all its 4-character codes.
 */

export type CodeSet = (code: string) => boolean;

function category(code: string): string {
  return code.slice(0, 3);
}

/**
 * Compiles "I20-I25, I50, T40.4" into a membership test; "*" is every code. Answers are
 * remembered per code: a certificate asks the same few codes thousands of times.
 */
export function codeSet(spec: string): CodeSet {
  if (spec.trim() === '*') return () => true;
  const test = compile(spec);
  const memo = new Map<string, boolean>();
  return (code) => {
    let answer = memo.get(code);
    if (answer === undefined) {
      answer = test(code);
      if (memo.size < 50_000) memo.set(code, answer);
    }
    return answer;
  };
}

function compile(spec: string): CodeSet {
  const parts = spec.split(',').map((part) => part.trim()).filter(Boolean);
  const tests = parts.map((part): CodeSet => {
    const [low, high] = part.split('-').map((bound) => bound.trim()) as [string, string | undefined];
    if (high === undefined) return low.length === 3 ? (code) => category(code) === low : (code) => code.startsWith(low);
    if (low.length > 3 || high.length > 3) return (code) => code >= low && code <= high;
    return (code) => category(code) >= low && category(code) <= high;
  });
  return (code) => tests.some((test) => test(code));
}

export const isIllDefined = codeSet('R00-R99');
/** External causes of morbidity and mortality. */
export const isExternalCause = codeSet('V01-Y98');
/** Nature of injury and poisoning codes (IJE marks these with "&"). */
export const isNatureOfInjury = codeSet('S00-T98');
export const isDrugPoisoning = codeSet('T36-T50');
