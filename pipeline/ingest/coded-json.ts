/**
 * A certificate's coded result as staged: the `vigil code deaths` contract without the
 * certificate id, as JSON, under an id (newStagedId), with a memo: the coder's result depends only
 * on the manner and the cause text (Part I, Part II, how the injury occurred), and certifiers
 * write the same certificates over and over ("Acute fentanyl toxicity", manner accident). A repeat
 * costs a map lookup instead of coding and serialising, and a batch stages each result once
 * (`stagedIn`: the last staging it was given to), its certificates naming it by id. A file read
 * in bulk is coded by its distinct keys instead (codeDeathKeyCsv), with the same JSON.
 */
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { toContractBody, type DeathCoder } from '../coding/deaths/types.ts';
import { certificateWithIdentityOnly, type Certificate, type Manner } from '../records/certificate.ts';
import { CsvParser } from '../formats/csv.ts';
import { newStagedId } from './staging-csv.ts';

export interface StagedDeathCoding {
  id: number;
  json: string;
  overdose: boolean;
  stagedIn: string | null;
}

const CAPACITY = 50_000;
const memos = new WeakMap<DeathCoder, Map<string, StagedDeathCoding>>();

/** What the coder's result depends on, as one string. */
function causeKey(c: Certificate): string {
  return `${c.manner ?? ''}\u001f${c.part1[0] ?? ''}\u001f${c.part1[1] ?? ''}\u001f${c.part1[2] ?? ''}\u001f${c.part1[3] ?? ''}\u001f${c.part2 ?? ''}\u001f${c.howInjury ?? ''}`;
}

/** A certificate's coded result as staged, without an id: the contract's JSON and whether it is a drug overdose. */
export function deathCodingJson(certificate: Certificate, coder: DeathCoder): { json: string; overdose: boolean } {
  const result = coder.code(certificate);
  return { json: JSON.stringify(toContractBody(result)), overdose: isDrugOverdoseCause(result.underlyingCause) };
}

/**
 * JSON.stringify escapes every control character, so coded JSON never holds this one (U+001F) or
 * a line break: rows of it need no quoting, which for JSON's many quotes cost more than the
 * JSON itself (a quote-doubling replace over ~700 characters a result).
 */
export const CODED_SEPARATOR = '\u001f';

/**
 * The read_csv call over a file of coded rows ($staging_path): fields separated by CODED_SEPARATOR,
 * never quoted (U+0001 is given as the quote: JSON never holds it raw), one row a line. `columns`:
 * name → DuckDB type, in file order.
 */
export function readCodedRows(columns: Record<string, string>): string {
  const types = Object.entries(columns).map(([name, type]) => `'${name}': '${type}'`).join(', ');
  return (
    `read_csv($staging_path, header = false, delim = '${CODED_SEPARATOR}', quote = '\u0001', escape = '\u0001', new_line = '\\n', auto_detect = false, ` +
    `strict_mode = true, max_line_size = 2097152, buffer_size = 8388608, columns = {${types}})`
  );
}

/**
 * Codes a chunk of the key file of a certificate file read in bulk (certificate-csv-bulk.ts: key
 * id, manner as validated, Part I a-d, Part II, how the injury occurred; blank is empty) as
 * `deathCodingJson` codes a certificate with those causes, and returns staging_death_coded's rows
 * as text: -key id, coded JSON, is drug overdose, separated by CODED_SEPARATOR, one row a line.
 */
export function codeDeathKeyCsv(text: string, firstLine: number, coder: DeathCoder): string {
  const parser = new CsvParser(firstLine);
  let rows = '';
  const orNull = (value: string | undefined) => (value === undefined || value === '' ? null : value);
  for (const { fields } of parser.end(parser.push(text))) {
    const [keyId, manner, a, b, c, d, part2, howInjury] = fields;
    const certificate: Certificate = { ...KEY_CERTIFICATE, manner: orNull(manner) as Manner | null, part1: [orNull(a), orNull(b), orNull(c), orNull(d)], part2: orNull(part2), howInjury: orNull(howInjury) };
    const { json, overdose } = deathCodingJson(certificate, coder);
    rows += `${-Number(keyId)}${CODED_SEPARATOR}${json}${CODED_SEPARATOR}${overdose}\n`;
  }
  return rows;
}

/** The rest of a certificate coded by its key: the coder reads none of it (causeKey). */
const KEY_CERTIFICATE: Certificate = certificateWithIdentityOnly('', '');

export function stagedDeathCoding(certificate: Certificate, coder: DeathCoder): StagedDeathCoding {
  let memo = memos.get(coder);
  if (!memo) memos.set(coder, (memo = new Map()));
  const key = causeKey(certificate);
  let coded = memo.get(key);
  if (coded === undefined) {
    coded = { id: newStagedId(), ...deathCodingJson(certificate, coder), stagedIn: null };
    if (memo.size >= CAPACITY) memo.clear();
    memo.set(key, coded);
  }
  return coded;
}
