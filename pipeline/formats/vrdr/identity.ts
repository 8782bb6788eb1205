/**
 * A death record's identity, as vrdr-dotnet builds it: the certificate number from the
 * CertificateNumber extension on Bundle.identifier, and the NCHS record identifier
 * YYYYJJNNNNNN (year of death, jurisdiction, certificate number) in Bundle.identifier.value,
 * which vrdr-dotnet derives from the other fields (0000 / XX / 000000 when one is missing).
 */
import { child, extension, str, VRDR, type Node, type Problems } from './fhir-json.ts';

export interface NchsIdentifier {
  year: number | null;
  jurisdiction: string | null;
  certificateNumber: string | null;
}

const NCHS_ID = /^(\d{4})([A-Z]{2})(\d{6})$/;

/** A certificate number of up to 6 digits, zero-padded to 6 as IJE FILENO; null when not one. */
export function normaliseCertificateNumber(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^\d{1,6}$/.test(text) && Number(text) > 0 ? text.padStart(6, '0') : null;
}

/** The parts of an NCHS identifier value, each null when vrdr-dotnet's placeholder stands in. */
export function parseNchsIdentifier(value: string | null): NchsIdentifier | null {
  const match = value === null ? null : NCHS_ID.exec(value);
  if (!match) return null;
  return {
    year: match[1] === '0000' ? null : Number(match[1]),
    jurisdiction: match[2] === 'XX' ? null : match[2]!,
    certificateNumber: normaliseCertificateNumber(match[3]),
  };
}

export interface BundleIdentity {
  certificateNumber: string | null;
  nchs: NchsIdentifier | null;
}

/** Reads Bundle.identifier; a problem when it names no certificate number. */
export function bundleIdentity(bundle: Node, problems: Problems, composition?: Node): BundleIdentity {
  const identifier = child(bundle, 'identifier');
  const nchs = parseNchsIdentifier(str(child(identifier, 'value')));
  const ext = extension(identifier, `${VRDR}CertificateNumber`);
  if (ext) {
    const value = child(ext, 'valueString');
    const certificateNumber = normaliseCertificateNumber(value.value);
    if (certificateNumber === null) problems.add(value, `${JSON.stringify(value.value)} is not a certificate number (up to 6 digits)`);
    return { certificateNumber, nchs };
  }
  if (nchs?.certificateNumber) return { certificateNumber: nchs.certificateNumber, nchs };
  const expected = 'a CertificateNumber extension or an NCHS identifier YYYYJJNNNNNN';
  const stu1 = composition && child(composition, 'identifier').value !== undefined ? ' (Composition.identifier is VRDR STU1, which vigil does not read)' : '';
  if (identifier.value === undefined) problems.add(identifier, `missing: the certificate number is required (${expected})${stu1}`);
  else problems.add(identifier, `no certificate number: expected ${expected}, found ${JSON.stringify(str(child(identifier, 'value')))}${stu1}`);
  return { certificateNumber: null, nchs };
}
