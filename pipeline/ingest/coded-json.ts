/**
 * A certificate's coded result as staged: the `vigil code deaths` contract without the
 * certificate id, as JSON, under an id (newStagedId), with a memo: the coder's result depends only
 * on the manner and the cause text (Part I, Part II, how the injury occurred), and certifiers
 * write the same certificates over and over ("Acute fentanyl toxicity", manner accident). A repeat
 * costs a map lookup instead of coding and serialising, and a batch stages each result once
 * (`stagedIn`: the last staging it was given to), its certificates naming it by id.
 */
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { toContractJson, type DeathCoder } from '../coding/deaths/types.ts';
import type { Certificate } from '../records/certificate.ts';
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

export function stagedDeathCoding(certificate: Certificate, coder: DeathCoder): StagedDeathCoding {
  let memo = memos.get(coder);
  if (!memo) memos.set(coder, (memo = new Map()));
  const key = causeKey(certificate);
  let coded = memo.get(key);
  if (coded === undefined) {
    const result = coder.code(certificate);
    const { certificate_id: _id, ...contract } = toContractJson(result);
    coded = { id: newStagedId(), json: JSON.stringify(contract), overdose: isDrugOverdoseCause(result.underlyingCause), stagedIn: null };
    if (memo.size >= CAPACITY) memo.clear();
    memo.set(key, coded);
  }
  return coded;
}
