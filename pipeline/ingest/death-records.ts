/**
 * From what the death-record readers yield (CSV template, IJE, VRDR) to the rows a batch stages.
 * IJE and VRDR name a certificate by (year of death, jurisdiction, certificate number) because
 * certificate numbers restart each year: vigil stores it as the NCHS record identifier
 * "2021MA000001" (the VRDR Bundle identifier), so the same death sent as IJE and later as VRDR
 * is one certificate. Voids and FHIR message ids travel with the row.
 */
import type { DeathCoder } from '../coding/deaths/types.ts';
import { stagedDeathCoding } from './coded-json.ts';
import { csvNumber, csvText, firstTimeIn, type StagingPlace } from './staging-csv.ts';
import type { CertificateReadResult } from '../formats/certificate-csv.ts';
import type { FieldError } from '../records/certificate-schema.ts';
import type { Certificate } from '../records/certificate.ts';
import type { StagedBatch } from './staging-rows.ts';

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

/** The columns of a staged certificate row, in file order, as read_csv reads them (sql/loader/load_certificate_staging.sql). */
export const STAGED_CERTIFICATE_COLUMNS = [
  ['seq', 'BIGINT'],
  ['line', 'INTEGER'],
  ['coded_id', 'BIGINT'],
  ['voided', 'BOOLEAN'],
  ['message_id', 'VARCHAR'],
  ['certificate_id', 'VARCHAR'],
  ['jurisdiction', 'VARCHAR'],
  ['death_date', 'DATE'],
  ['age', 'SMALLINT'],
  ...(['sex', 'residence_county_fips', 'occurrence_county_fips', 'manner', 'part1_a', 'part1_b', 'part1_c', 'part1_d', 'part2', 'how_injury', 'interval_a', 'interval_b', 'interval_c', 'interval_d'] as const).map((c) => [c, 'VARCHAR'] as const),
  ['injury_date', 'DATE'],
  ...(['injury_place', 'race', 'hispanic', 'autopsy', 'tobacco', 'pregnancy'] as const).map((c) => [c, 'VARCHAR'] as const),
] as const;

/** A certificate as a staging row (LF-terminated); a void names no coded result. */
export function stagedCertificateRow(seq: number, line: number, codedId: number | null, voided: boolean, messageId: string | null, c: Certificate): string {
  const [a, b, cc, d] = c.part1;
  const [ia, ib, ic, id] = c.intervals;
  return (
    `${seq},${line},${csvNumber(codedId)},${voided},${csvText(messageId)},${csvText(c.certificateId)},${csvText(c.jurisdiction)},${csvText(c.deathDate)},` +
    `${csvNumber(c.age)},${csvText(c.sex)},${csvText(c.residenceCountyFips)},${csvText(c.occurrenceCountyFips)},${csvText(c.manner)},` +
    `${csvText(a)},${csvText(b)},${csvText(cc)},${csvText(d)},${csvText(c.part2)},${csvText(c.howInjury)},` +
    `${csvText(ia)},${csvText(ib)},${csvText(ic)},${csvText(id)},${csvText(c.injuryDate)},${csvText(c.injuryPlace)},` +
    `${csvText(c.race)},${csvText(c.hispanic)},${csvText(c.autopsy)},${csvText(c.tobacco)},${csvText(c.pregnancy)}\n`
  );
}

/**
 * Codes each record (a void has nothing to code) and lays it out for staging_certificates, with
 * each coded result not yet given to this staging for staging_death_coded.
 */
export function stageDeathRecords(results: readonly DeathRecordResult[], coder: DeathCoder, place: StagingPlace): StagedBatch {
  const { jurisdiction, staging } = place;
  const batch: StagedBatch = { rows: '', coded: [], errors: [], valid: 0, rejected: 0 };
  let seq = place.firstSeq;
  for (const result of results) {
    if (!result.ok) {
      batch.rejected++;
      for (const error of result.errors) batch.errors.push([result.line, result.recordId, error.field || null, error.message]);
      continue;
    }
    const { certificate, voided, messageId, line } = result;
    if (jurisdiction !== null && certificate.jurisdiction !== jurisdiction) {
      batch.rejected++;
      batch.errors.push([line, certificate.certificateId, 'jurisdiction', `the record is for ${certificate.jurisdiction}; this batch may hold ${jurisdiction} records only`]);
      continue;
    }
    let codedId: number | null = null;
    if (!voided) {
      const coded = stagedDeathCoding(certificate, coder);
      if (firstTimeIn(coded, staging)) batch.coded.push([coded.id, coded.json, coded.overdose]);
      codedId = coded.id;
    }
    batch.rows += stagedCertificateRow(seq++, line, codedId, voided, messageId, certificate);
    batch.valid++;
  }
  return batch;
}
