/**
 * Loads one evaluation set through the project's real path: the certificate template reader
 * (records it rejects are kept and reported, not dropped), the labels, and the current death coder.
 * Coding is timed on its own, after all reading is done.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DeathCoder, CodedCertificate } from '../../pipeline/coding/deaths/types.ts';
import { readCertificateCsv } from '../../pipeline/formats/certificate-csv.ts';
import type { Certificate } from '../../pipeline/records/certificate.ts';
import type { FieldError } from '../../pipeline/records/certificate-schema.ts';
import { readLabelFile } from './labels.ts';
import { isScorable, type EvalItem, type LabelRow } from './metrics.ts';

export const SET_NAMES = ['dev-ct-2012-2018', 'dev-cook-2018', 'dev-pima-historical'] as const;

export interface SetItem extends EvalItem {
  certificate: Certificate;
  coded: CodedCertificate;
}

export interface RejectedRecord {
  line: number;
  recordId: string | null;
  errors: FieldError[];
  /** The record's label row, when its id could be read and is labelled. */
  label: LabelRow | null;
}

export interface SetRun {
  name: string;
  certificateFile: string;
  labelFile: string;
  /** Data records in the certificate file (valid + rejected). */
  certificateRecords: number;
  labelRows: number;
  /** Records the template reader rejected, with the field errors it gave. */
  rejected: RejectedRecord[];
  /** Valid certificates that have no label row. */
  unlabelled: string[];
  /** Label rows with no certificate in the file (neither valid nor rejected). */
  labelsWithoutCertificate: string[];
  /** Valid, labelled certificates left out because the label says there is no cause text. */
  noCauseText: number;
  /** Coded records (valid, labelled, with cause text). */
  items: SetItem[];
  codingMs: number;
}

export class MissingFileError extends Error {
  override name = 'MissingFileError';
}

/** The text the "names the drug" filter reads: Part I a-d, Part II, how the injury occurred. */
export function causeText(c: Certificate): string {
  return [...c.part1, c.part2, c.howInjury].filter((t): t is string => t !== null).join(' | ');
}

export function partOneText(c: Certificate): string {
  return c.part1.filter((t): t is string => t !== null).join(' | ');
}

export function setFiles(dir: string, name: string): { certificateFile: string; labelFile: string } {
  return { certificateFile: join(dir, `${name}.csv`), labelFile: join(dir, `${name}.labels.csv`) };
}

export async function runSet(dir: string, name: string, coder: DeathCoder): Promise<SetRun> {
  const { certificateFile, labelFile } = setFiles(dir, name);
  for (const file of [certificateFile, labelFile]) {
    if (!existsSync(file)) throw new MissingFileError(`missing ${file}`);
  }
  const labels = await readLabelFile(labelFile);

  const certificates: Certificate[] = [];
  const rejected: RejectedRecord[] = [];
  const seen = new Set<string>();
  for await (const results of readCertificateCsv(createReadStream(certificateFile))) {
    for (const result of results) {
      if (result.ok) {
        certificates.push(result.certificate);
        seen.add(result.certificate.certificateId);
      } else {
        const label = result.recordId === null ? null : (labels.get(result.recordId) ?? null);
        if (result.recordId !== null) seen.add(result.recordId);
        rejected.push({ line: result.line, recordId: result.recordId, errors: result.errors, label });
      }
    }
  }

  const unlabelled: string[] = [];
  let noCauseText = 0;
  const toCode: { certificate: Certificate; label: LabelRow }[] = [];
  for (const certificate of certificates) {
    const label = labels.get(certificate.certificateId);
    if (label === undefined) unlabelled.push(certificate.certificateId);
    else if (!isScorable(label)) noCauseText++;
    else toCode.push({ certificate, label });
  }

  const started = performance.now();
  const coded = toCode.map(({ certificate }) => coder.code(certificate));
  const codingMs = performance.now() - started;

  return {
    name,
    certificateFile,
    labelFile,
    certificateRecords: certificates.length + rejected.length,
    labelRows: labels.size,
    rejected,
    unlabelled,
    labelsWithoutCertificate: [...labels.keys()].filter((id) => !seen.has(id)),
    noCauseText,
    items: toCode.map(({ certificate, label }, i) => ({ certificate, label, coded: coded[i]!, text: causeText(certificate), partOneText: partOneText(certificate) })),
    codingMs,
  };
}
