/**
 * What a death coder produces for one certificate. The NDJSON of `vigil code deaths` is this
 * record in the snake_case contract of DESIGN.md (see toContractJson).
 */
import type { Certificate, Manner } from '../../records/certificate.ts';

/**
 * Entity-axis line as IJE and VRDR carry it: 1-4 for Part I lines a-d, 6 for Part II.
 * (IJE reserves 5 for a Part I line e, which the template does not have.)
 */
export type EntityLine = 1 | 2 | 3 | 4 | 6;

export interface EntityAxisCode {
  line: EntityLine;
  /** 1-based order of the code on its line. */
  position: number;
  /** Dotted WHO ICD-10 code. */
  code: string;
  /** The words of the certificate the code stands for. */
  text: string;
  /** True for nature-of-injury codes (S, T), marked `&` in IJE. */
  natureOfInjury: boolean;
}

export interface DrugMention {
  /** Canonical drug name, e.g. "fentanyl". */
  name: string;
  /** Dotted WHO ICD-10 T-code, e.g. "T40.4". */
  code: string;
}

export type Intent = 'natural' | 'accident' | 'suicide' | 'homicide' | 'undetermined' | 'pending';

export interface TraceStep {
  /** The rule or step, e.g. "drug poisoning", "external cause by intent". */
  rule: string;
  /** What it decided and why, in words a coder understands. */
  detail: string;
}

export interface CodedCertificate {
  certificateId: string;
  underlyingCause: string | null;
  recordAxis: string[];
  entityAxis: EntityAxisCode[];
  drugs: DrugMention[];
  intent: Intent | null;
  review: { required: boolean; reasons: string[] };
  trace: TraceStep[];
}

/** A death coder: a pure function of the certificate, with the versions it stamps on results. */
export interface DeathCoder {
  /** e.g. "vigil-death-coder/1" — stored with every coded result so recoding knows what is stale. */
  readonly coderVersion: string;
  readonly lexiconVersion: string;
  code(certificate: Certificate): CodedCertificate;
}

export const INTENT_BY_MANNER: Record<Manner, Intent> = {
  N: 'natural',
  A: 'accident',
  S: 'suicide',
  H: 'homicide',
  P: 'pending',
  C: 'undetermined',
};

/** The DESIGN.md NDJSON contract for `vigil code deaths`. */
export function toContractJson(coded: CodedCertificate) {
  return { certificate_id: coded.certificateId, ...toContractBody(coded) };
}

/** The contract without the certificate id: what ingest stages (once per distinct cause text, so built directly, not copied out of toContractJson). */
export function toContractBody(coded: CodedCertificate) {
  return {
    underlying_cause: coded.underlyingCause,
    record_axis: coded.recordAxis,
    entity_axis: coded.entityAxis.map(({ line, position, code, text, natureOfInjury }) => ({
      line,
      position,
      code,
      text,
      nature_of_injury: natureOfInjury,
    })),
    drugs: coded.drugs,
    intent: coded.intent,
    review: coded.review,
    trace: coded.trace,
  };
}
