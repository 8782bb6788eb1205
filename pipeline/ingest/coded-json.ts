/**
 * A certificate's coded result as the staging JSON text (the `vigil code deaths` contract), with
 * a memo: the coder's result depends only on the manner and the cause text (Part I, Part II, how
 * the injury occurred), and certifiers write the same certificates over and over ("Acute fentanyl
 * toxicity", manner accident). A repeat costs a map lookup instead of coding and serialising;
 * only the certificate id differs, and it is the first key of the contract.
 */
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { toContractJson, type DeathCoder } from '../coding/deaths/types.ts';
import type { Certificate } from '../records/certificate.ts';

interface Coded {
  /** The contract JSON after its `{"certificate_id":"…"` opening. */
  tail: string;
  overdose: boolean;
}

const CAPACITY = 50_000;
const memos = new WeakMap<DeathCoder, Map<string, Coded>>();

/** What the coder's result depends on, as one string. */
function causeKey(c: Certificate): string {
  return `${c.manner ?? ''}\u001f${c.part1[0] ?? ''}\u001f${c.part1[1] ?? ''}\u001f${c.part1[2] ?? ''}\u001f${c.part1[3] ?? ''}\u001f${c.part2 ?? ''}\u001f${c.howInjury ?? ''}`;
}

export function codedJson(certificate: Certificate, coder: DeathCoder): { json: string; overdose: boolean } {
  let memo = memos.get(coder);
  if (!memo) memos.set(coder, (memo = new Map()));
  const key = causeKey(certificate);
  const id = JSON.stringify(certificate.certificateId);
  let coded = memo.get(key);
  if (coded === undefined) {
    const result = coder.code(certificate);
    const json = JSON.stringify(toContractJson(result));
    coded = { tail: json.slice(`{"certificate_id":${id}`.length), overdose: isDrugOverdoseCause(result.underlyingCause) };
    if (memo.size >= CAPACITY) memo.clear();
    memo.set(key, coded);
  }
  return { json: `{"certificate_id":${id}${coded.tail}`, overdose: coded.overdose };
}
