/**
 * From what the death-record readers yield (CSV template, IJE, VRDR) to the rows a batch stages.
 * IJE and VRDR name a certificate by (year of death, jurisdiction, certificate number) because
 * certificate numbers restart each year: vigil stores it as the NCHS record identifier
 * "2021MA000001" (the VRDR Bundle identifier), so the same death sent as IJE and later as VRDR
 * is one certificate. Voids and FHIR message ids travel with the row.
 */
import type { DeathCoder } from '../coding/deaths/types.ts';
import { codedJson } from './coded-json.ts';
import type { CertificateReadResult } from '../formats/certificate-csv.ts';
import type { FieldError } from '../records/certificate-schema.ts';
import { certificateToRow, type Certificate } from '../records/certificate.ts';
import type { ErrorRow, StagedBatch, StagingRow } from './staging-rows.ts';

/** "2021" + "MA" + "000001": the NCHS identifier of a certificate number in its year. */
export function nchsRecordId(year: number | null, jurisdiction: string, certificateNumber: string): string {
  const number = /^\d+$/.test(certificateNumber) ? certificateNumber.padStart(6, '0') : certificateNumber;
  return `${year === null ? '0000' : String(year).padStart(4, '0')}${jurisdiction}${number}`;
}

/** The next `count` certificate numbers from `first` (a VRDR void's block), same width. */
export function certificateBlock(first: string, count: number): string[] {
  if (count <= 1 || !/^\d+$/.test(first)) return [first];
  return Array.from({ length: count }, (_, i) => String(Number(first) + i).padStart(first.length, '0'));
}

export interface DeathRecord {
  line: number;
  certificate: Certificate;
  voided: boolean;
  messageId: string | null;
  /** The IJE record as read (5,000 characters), for writing the codes back in place. */
  ijeText?: string;
}

export type DeathRecordResult = ({ ok: true } & DeathRecord) | { ok: false; line: number; recordId: string | null; errors: FieldError[] };

/** A certificate template result as a death record: template records are never voids and come in no FHIR message. */
export function fromTemplateResult(result: CertificateReadResult): DeathRecordResult {
  return result.ok ? { ok: true, line: result.line, certificate: result.certificate, voided: false, messageId: null } : result;
}

/** Codes each record (a void has nothing to code) and lays it out for staging_certificates. */
export function stageDeathRecords(results: readonly DeathRecordResult[], coder: DeathCoder, jurisdiction: string | null): StagedBatch {
  const rows: StagingRow[] = [];
  const errors: ErrorRow[] = [];
  let rejected = 0;
  for (const result of results) {
    if (!result.ok) {
      rejected++;
      for (const error of result.errors) errors.push([result.line, result.recordId, error.field || null, error.message]);
      continue;
    }
    const { certificate, voided, messageId, line } = result;
    if (jurisdiction !== null && certificate.jurisdiction !== jurisdiction) {
      rejected++;
      errors.push([line, certificate.certificateId, 'jurisdiction', `the record is for ${certificate.jurisdiction}; this batch may hold ${jurisdiction} records only`]);
      continue;
    }
    const stored = JSON.stringify(certificateToRow(certificate));
    if (voided) {
      rows.push([line, stored, '{}', false, true, messageId]);
      continue;
    }
    const coded = codedJson(certificate, coder);
    rows.push([line, stored, coded.json, coded.overdose, false, messageId]);
  }
  return { rows, errors, rejected };
}
