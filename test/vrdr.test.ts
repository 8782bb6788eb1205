import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Certificate } from '../pipeline/records/certificate.ts';
import { FileFormatError } from '../pipeline/formats/certificate-csv.ts';
import { readCodedContent, type CodedContentRecord } from '../pipeline/formats/vrdr/read-coded-content.ts';
import { readVrdr, VrdrFormatError, type VrdrRecord } from '../pipeline/formats/vrdr/read-vrdr.ts';
import { writeCodedContent, type CodedContent } from '../pipeline/formats/vrdr/write-coded-content.ts';

const DIR = new URL('../fixtures/conformance/vrdr-dotnet/json/', import.meta.url);
const text = (name: string) => fs.readFileSync(new URL(name, DIR), 'utf8');
const json = (name: string): any => JSON.parse(text(name));

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(VrdrFormatError);
    expect(error).toBeInstanceOf(FileFormatError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

const NOTHING = { race: null, hispanic: null, autopsy: null, tobacco: null, pregnancy: null };
const IG_EXAMPLE: Certificate = {
  certificateId: '000182', jurisdiction: 'NY', deathDate: '2020-11-12', age: 42, sex: 'U',
  residenceCountyFips: '51321', occurrenceCountyFips: null, manner: 'N',
  part1: ['Cardiopulmonary arrest', 'Eclampsia', null, null], part2: 'hypertensive heart disease',
  howInjury: 'drug toxicity', intervals: ['4 hours', '3 months', null, null], injuryDate: '2019-11-02', injuryPlace: 'Home', ...NOTHING,
};
const IG_RECORD = { messageType: 'document', messageId: null, year: 2020, deathDateParts: { year: 2020, month: 11, day: 12 }, blockCount: 1 };

const GOOD: Record<string, VrdrRecord> = {
  'Bundle-DeathCertificateDocument-Example1.json': { ...IG_RECORD, certificate: IG_EXAMPLE } as VrdrRecord,
  'BlankLocationNames.json': { ...IG_RECORD, certificate: IG_EXAMPLE } as VrdrRecord,
  'DeathRecordSubmissionMessage.json': { ...IG_RECORD, messageType: 'submission', messageId: 'SubmissionHeader-Example1', certificate: IG_EXAMPLE } as VrdrRecord,
  'DeathRecordValueCodeableConceptText.json': {
    messageType: 'submission', messageId: '2975f233-5448-42ba-ac5a-9fec6894230e', year: 2023, deathDateParts: { year: 2023, month: 2, day: 5 }, blockCount: 1,
    certificate: {
      certificateId: '200101', jurisdiction: 'MI', deathDate: '2023-02-05', age: 0, sex: 'M', residenceCountyFips: '26125', occurrenceCountyFips: '26125',
      manner: 'N', part1: ['Drowning', null, null, null], part2: 'sad', howInjury: null, intervals: ['1', null, null, null], injuryDate: null, injuryPlace: null, ...NOTHING,
    },
  },
  'DeathRecordVoidMessage.json': {
    messageType: 'void', messageId: 'VoidHeader-Example1', year: 2018, deathDateParts: { year: null, month: null, day: null }, blockCount: 10,
    certificate: {
      certificateId: '123456', jurisdiction: 'NY', deathDate: null, age: null, sex: null, residenceCountyFips: null, occurrenceCountyFips: null, manner: null,
      part1: [null, null, null, null], part2: null, howInjury: null, intervals: [null, null, null, null], injuryDate: null, injuryPlace: null, ...NOTHING,
    },
  },
};

const ECODE_EXAMPLE = { line: 2 as const, position: 2, code: 'X00', natureOfInjury: true };
const AK_CODES = {
  underlyingCause: 'I25.1',
  entityAxis: [
    { line: 1, position: 1, code: 'I25.9', natureOfInjury: false }, { line: 2, position: 1, code: 'I25.1', natureOfInjury: false },
    { line: 3, position: 1, code: 'I25.0', natureOfInjury: false }, { line: 3, position: 2, code: 'I51.7', natureOfInjury: true },
  ],
  recordAxis: ['I25.1', 'I25.0', 'I51.7'],
  identity: { certificateNumber: '100000', jurisdiction: 'AK', year: 2019 },
};
const CODED: Record<string, CodedContentRecord> = {
  'Bundle-CauseOfDeathCodedContentBundle-Example1.json': {
    underlyingCause: 'J96.0',
    entityAxis: [
      { line: 1, position: 1, code: 'J96.0', natureOfInjury: false }, { line: 2, position: 1, code: 'T27.3', natureOfInjury: false },
      ECODE_EXAMPLE, { line: 2, position: 3, code: 'T27.2', natureOfInjury: false },
    ],
    recordAxis: ['J96.0'],
    identity: { certificateNumber: '000182', jurisdiction: 'NY', year: 2020 },
    messageId: null,
  },
  'CauseOfDeathCodingMessage.json': { ...AK_CODES, messageId: '0b8543b7-aa8f-41b7-8f59-b4e1530ff68a' } as CodedContentRecord,
  'CauseOfDeathCodingUpdateMessage.json': { ...AK_CODES, messageId: '43e25b3b-6501-4eeb-81de-a3efddf19692' } as CodedContentRecord,
  'CauseOfDeathCodingMessage2.json': {
    underlyingCause: 'C64', entityAxis: [{ line: 1, position: 1, code: 'C64', natureOfInjury: false }], recordAxis: ['C64'],
    identity: { certificateNumber: '008928', jurisdiction: 'KY', year: 2023 }, messageId: '7b3326f4-2ba3-4187-875f-adece82bc933',
  },
};

const noLine = (...entries: number[]) => entries.map((e) => `entry[${e}].resource.component: no lineNumber component (1-4, for Part I lines a-d)`).join('; ');
const notRecord = (event: string) => `entry[0].resource.eventUri: "http://nchs.cdc.gov/${event}" is not a death record submission, update or void message`;
const stu1Causes = (entry: number, count: number) =>
  `entry[${entry}].resource: ${count} Condition resource(s): causes of death as Conditions are VRDR STU1; vigil reads VRDR STU2 and later, where they are Observations (LOINC 69453-9, 69441-4)`;
const ID = 'a CertificateNumber extension or an NCHS identifier YYYYJJNNNNNN';
const noJurisdiction = (at: string) => `${at}: no jurisdiction of death: expected Location-Jurisdiction-Id on the death Location, or an NCHS identifier YYYYJJNNNNNN`;
const STU1_ID = `identifier: no certificate number: expected ${ID}, found "42" (Composition.identifier is VRDR STU1, which vigil does not read); ${noJurisdiction('identifier')}`;
const PLACEHOLDER_ID = `identifier: no certificate number: expected ${ID}, found "0000XX000000"`;
const noIdentifier = (at: string) => `${at}: missing: the certificate number is required (${ID}); ${noJurisdiction(at)}`;
const notCoded = 'is not a death record Bundle: expected "document" or "message" (a coded content bundle is read with readCodedContent)';
const badPart = (n: number, url: string) => `entry[32].resource._valueDateTime.extension[0].extension[${n}].url: "http://hl7.org/fhir/us/vrdr/StructureDefinition/${url}" is not a part of a partial date (Date-Year, Date-Month, Date-Day, Date-Time)`;

// The exact refusal of every file readVrdr does not read as a death record.
const BAD: Record<string, string> = {
  'AcknowledgementMessage.json': notRecord('vrdr_acknowledgement'),
  'AllRaceLiterals.json': 'entry[13].resource.valueCodeableConcept.coding[0].code: "N" is not a manner-of-death SNOMED CT code (38605008 natural, 7878000 accident, 44301001 suicide, 27935005 homicide, 185973002 pending, 65037004 undetermined)',
  'BadConditions.json': STU1_ID,
  'BadDeathRecord.json': 'not valid JSON: unexpected "e" at line 45, column 28',
  'BadMessage.json': 'not valid JSON: unexpected "2" at line 58, column 34',
  'BirthAndDeathDateDataAbsent.json': noLine(12, 13, 14, 15),
  'BirthAndDeathDateDateOnly.json': `entry[32].resource.valueDateTime: expected a dateTime string, found an object; ${noLine(12, 13, 14, 15)}`,
  'BirthAndDeathDateNoDatePronounced.json': noLine(12, 13, 14, 15),
  'BirthAndDeathDateTimeOnly.json': noLine(12, 13, 14, 15),
  'Bundle-CauseOfDeathCodedContentBundle-Example1.json': `type: "collection" ${notCoded}`,
  'Bundle-DemographicCodedContentBundle-Example1.json': `type: "collection" ${notCoded}`,
  'CauseOfDeathCodingMessage.json': notRecord('vrdr_causeofdeath_coding'),
  'CauseOfDeathCodingMessage2.json': notRecord('vrdr_causeofdeath_coding'),
  'CauseOfDeathCodingUpdateMessage.json': notRecord('vrdr_causeofdeath_coding_update'),
  'CodingResponseMessage.json': notRecord('vrdr_coding'),
  'CodingUpdateMessage.json': notRecord('vrdr_coding_update'),
  'DeathLocationType.json': stu1Causes(23, 4),
  'DeathRecord1.json': noLine(12, 13, 14, 15),
  'DeathRecord1_munged.json': noLine(12, 13, 14, 15),
  'DeathRecordAliasMessage.json': notRecord('vrdr_alias'),
  'DeathRecordBadDplaceCode.json': noLine(13, 14, 15, 16),
  'DeathRecordBadPartialDate.json': noLine(12, 13, 14, 15),
  'DeathRecordBadPartialDateTime.json': `${badPart(3, 'Invalid')}; ${badPart(4, 'Date-Tme')}; ${noLine(12, 13, 14, 15)}`,
  'DeathRecordBirthRecordDataAbsent.json': noLine(12, 13, 14, 15),
  'DeathRecordNoIdentifiers.json': noIdentifier('identifier'),
  'DeathRecordSubmissionNoIdentifiers.json': noIdentifier('entry[2].resource.identifier'),
  'DeathRecordUpdateNoIdentifiers.json': noIdentifier('entry[2].resource.identifier'),
  'DeathRecordVoidMessageNoIdentifiers.json':
    'entry[1].resource.parameter: the void names no certificate: cert_no is required; entry[1].resource.parameter: the void names no jurisdiction: jurisdiction_id is required',
  'DeathTimeZone.json': 'entry[5].resource.address._district.extension[0].valuePositiveInt: 16999 is not a 3-digit county code',
  'DemographicsCodingMessage.json': notRecord('vrdr_demographics_coding'),
  'DemographicsCodingUpdateMessage.json': notRecord('vrdr_demographics_coding_update'),
  'Empty.json': 'resourceType: expected a FHIR Bundle, found no resourceType',
  'EmptyMessage.json': 'entry: the message has no entries',
  'EmptyRaceLiteral.json': 'identifier.extension[1].valueString: "2022ID009921" is not a certificate number (up to 6 digits)',
  'EmptySubmission.json': 'entry: the submission message carries no death record (a Bundle of type document)',
  'ExtractionErrorMessage.json': notRecord('vrdr_extraction_error'),
  'InvalidJurisdictionId.json': `${stu1Causes(28, 2)}; ${PLACEHOLDER_ID}; entry[19].resource.extension[0].valueCodeableConcept: no jurisdiction code (a 2-letter postal code or FIPS state code)`,
  'InvalidMessageType.json': notRecord('vrdr_invalid_type'),
  'MessageHeaderValidation.json': 'entry[1].resource.parameter[0].valueUnsignedInt: 11234122 is not a certificate number (up to 6 digits)',
  'MissingAge.json': stu1Causes(27, 5),
  'MissingCertifier.json': `${stu1Causes(10, 4)}; ${STU1_ID}`,
  'MissingComposition.json': `entry[0].resource: the first entry of a document must be the Composition, found Patient; identifier: no certificate number: expected ${ID}, found "42"; ${noJurisdiction('identifier')}`,
  'MissingCompositionAttestor.json': STU1_ID,
  'MissingCompositionSubject.json': STU1_ID,
  'MissingDecedent.json': `entry: no Patient resource (the decedent); ${STU1_ID}`,
  'MissingEthnicityData.json': stu1Causes(13, 1),
  'MissingExtensionValue.json': `${stu1Causes(28, 2)}; ${PLACEHOLDER_ID}`,
  'MissingMessageType.json': 'entry[0].resource.eventUri: missing: the message type is required',
  'MissingObservationCode.json': `entry[21].resource.code: the Observation has no code; ${STU1_ID}`,
  'MissingRelatedPersonRelationshipCode.json': STU1_ID,
  'MultipleDestinationsMessage.json': notRecord('vrdr_acknowledgement'),
  'RaceEthnicityCaseRecord.json': stu1Causes(24, 2),
  'RaceEthnicityCaseRecord2.json': stu1Causes(24, 2),
  'RaceEthnicityCaseRecord3.json': stu1Causes(23, 2),
  'RecordVRDRv1.2.json': stu1Causes(18, 2),
  'StatusMessage.json': notRecord('vrdr_status'),
  'TempUnknownDateOfDeath.json': noLine(12, 13, 14, 15),
  'Test_StateText_JSON_To_IJE.json': noLine(12, 13, 14, 15),
  'UnknownDateOfDeath.json': noLine(12, 13, 14, 15),
  'old-trx-pre-IGv13.json': notRecord('vrdr_coding'),
};

describe('VRDR conformance files (vrdr-dotnet)', () => {
  it('covers every file: each is read as a death record, or refused (coded content is read by its own reader)', () => {
    const files = fs.readdirSync(DIR).sort();
    expect([...Object.keys(GOOD), ...Object.keys(BAD)].sort()).toEqual(files);
    for (const file of Object.keys(CODED)) expect(files).toContain(file);
  });

  for (const [file, expected] of Object.entries(GOOD)) {
    it(`reads ${file}`, () => expect(readVrdr(text(file))).toEqual(expected));
  }
  for (const [file, message] of Object.entries(BAD)) {
    it(`refuses ${file}, saying why`, () => expect(refusal(() => readVrdr(text(file)))).toBe(message));
  }
  for (const [file, expected] of Object.entries(CODED)) {
    it(`reads the coded content of ${file}`, () => expect(readCodedContent(text(file))).toEqual(expected));
  }
  it('refuses what is not cause-of-death coded content', () => {
    expect(refusal(() => readCodedContent(text('Bundle-DemographicCodedContentBundle-Example1.json')))).toBe(
      'meta.profile[0]: "http://hl7.org/fhir/us/vrdr/StructureDefinition/vrdr-demographic-coded-bundle" is not a cause-of-death coded content bundle',
    );
    expect(refusal(() => readCodedContent(text('CodingResponseMessage.json')))).toBe(
      'entry[0].resource.eventUri: "http://nchs.cdc.gov/vrdr_coding" is not a cause-of-death coding message',
    );
    expect(refusal(() => readCodedContent(text('Bundle-DeathCertificateDocument-Example1.json')))).toBe(
      'type: expected a coded content Bundle (type collection) or a cause-of-death coding message',
    );
  });
});

/** The IG example document with one Observation (by LOINC) or resource edited. */
function igExample(edit: (resource: Record<string, unknown>, loinc: string | undefined) => void) {
  const bundle = json('Bundle-DeathCertificateDocument-Example1.json');
  for (const { resource } of bundle.entry) edit(resource, resource.code?.coding?.[0]?.code);
  return JSON.stringify(bundle);
}

describe('VRDR values beyond the samples', () => {
  it('keeps the known parts of a partial date of death and takes the year from the identifier when unknown', () => {
    const partial = (donor: string) => {
      const donorDate = json(donor).entry.find((e: { resource: { code?: { coding: { code: string }[] } } }) => e.resource.code?.coding[0]?.code === '81956-5').resource;
      return readVrdr(igExample((r, loinc) => loinc === '81956-5' && (r._valueDateTime = donorDate._valueDateTime)));
    };
    expect(partial('TempUnknownDateOfDeath.json')).toMatchObject({ year: 2020, deathDateParts: { year: null, month: null, day: null }, certificate: { deathDate: null } });
    expect(partial('UnknownDateOfDeath.json')).toMatchObject({ year: 2020, deathDateParts: { year: null, month: null, day: null } });
    expect(partial('BirthAndDeathDateDataAbsent.json')).toMatchObject({ year: 2021, deathDateParts: { year: 2021, month: 2, day: null }, certificate: { deathDate: null } });
  });

  it('reads the date of death as written, not shifted to UTC (DeathTimeZone with its county code corrected)', () => {
    const bundle = json('DeathTimeZone.json');
    bundle.entry[5].resource.address._district.extension[0].valuePositiveInt = 3;
    expect(readVrdr(JSON.stringify(bundle))).toMatchObject({
      year: 2022,
      certificate: { certificateId: '000026', jurisdiction: 'HI', deathDate: '2022-01-17', age: 0, sex: 'M', manner: 'P', occurrenceCountyFips: '15003', residenceCountyFips: '56000' },
    });
  });

  it('reads New York City (YC) as the jurisdiction, with New York State county FIPS', () => {
    const record = readVrdr(
      igExample((r) => {
        if (r.resourceType !== 'Location' || r.id !== 'DeathLocation-Example1') return;
        r.address = { state: 'NY', _state: { extension: [{ url: 'http://hl7.org/fhir/us/vrdr/StructureDefinition/Location-Jurisdiction-Id', valueString: 'YC' }] },
          district: 'New York', _district: { extension: [{ url: 'http://hl7.org/fhir/us/vrdr/StructureDefinition/DistrictCode', valuePositiveInt: 61 }] } };
      }),
    );
    expect(record.certificate).toMatchObject({ jurisdiction: 'YC', occurrenceCountyFips: '36061' });
  });

  it('maps every SNOMED CT manner code', () => {
    const mannerOf = (code: string) => readVrdr(igExample((r, loinc) => loinc === '69449-7' && (r.valueCodeableConcept = { coding: [{ system: 'http://snomed.info/sct', code }] }))).certificate.manner;
    expect(['38605008', '7878000', '44301001', '27935005', '185973002', '65037004'].map(mannerOf)).toEqual(['N', 'A', 'S', 'H', 'P', 'C']);
  });

  it('names every wrong value with its path', () => {
    const broken = igExample((r, loinc) => {
      if (loinc === '39016-1') r.valueQuantity = { value: 3, code: 'yr' };
      if (loinc === '81956-5') r.valueDateTime = '2020-02-30';
      if (loinc === '69453-9') (r.component as { valueInteger?: number }[])[0]!.valueInteger = 7;
      if (loinc === '69441-4') r.id = 'first';
    });
    const bundle = JSON.parse(broken);
    bundle.entry.push({ resource: { ...bundle.entry[25].resource, id: 'second' } });
    expect(refusal(() => readVrdr(JSON.stringify(bundle)))).toBe(
      [
        'entry[14].resource.valueDateTime: 2020-02-30 is not a calendar date',
        'entry[31].resource: a second Part II observation (the first is entry[25].resource)',
        'entry[23].resource.component[0].valueInteger: 7 is not a Part I line number (1-4)',
        'entry[24].resource.component[0].valueInteger: 7 is not a Part I line number (1-4)',
        'entry[5].resource.valueQuantity.code: "yr" is not an age unit (UCUM a, mo, wk, d, h, min)',
      ].join('; '),
    );
  });

  it('reads an update message, and a resend keeps its message id', () => {
    const message = json('DeathRecordSubmissionMessage.json');
    message.entry[0].resource.eventUri = 'http://nchs.cdc.gov/vrdr_submission_update';
    const first = readVrdr(JSON.stringify(message));
    const resent = readVrdr(JSON.stringify(message));
    expect(first).toMatchObject({ messageType: 'update', messageId: 'SubmissionHeader-Example1', certificate: IG_EXAMPLE });
    expect(resent.messageId).toBe(first.messageId);
  });
});

const CODES: CodedContent = {
  underlyingCause: 'X42',
  entityAxis: [
    { line: 1, position: 1, code: 'T40.4', natureOfInjury: true }, { line: 1, position: 2, code: 'T40.1', natureOfInjury: true },
    { line: 2, position: 1, code: 'F11.2', natureOfInjury: false }, { line: 6, position: 1, code: 'I25.1', natureOfInjury: false },
  ],
  recordAxis: ['X42', 'T40.1', 'T40.4', 'F11.2', 'I25.1'],
};

describe('VRDR cause-of-death coded content writer', () => {
  it('round trip: write, read back the same codes and identity', () => {
    const identity = { certificateNumber: '182', jurisdiction: 'YC', year: 2024 };
    const bundle = writeCodedContent(CODES, identity, '2024-05-01T12:00:00Z');
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2024-05-01T12:00:00Z', identifier: { value: '2024YC000182' } });
    expect(readCodedContent(JSON.stringify(bundle))).toEqual({ ...CODES, identity: { ...identity, certificateNumber: '000182' }, messageId: null });
    expect(JSON.stringify(writeCodedContent(CODES, identity, '2024-05-01T12:00:00Z'))).toBe(JSON.stringify(bundle));
  });

  it('lays out the Observations as the IG example does', () => {
    const bundle = writeCodedContent({ underlyingCause: 'X00', entityAxis: [ECODE_EXAMPLE], recordAxis: ['X00'] }, { certificateNumber: '000182', jurisdiction: 'NY', year: 2020 });
    const [underlying, entity, record] = (bundle.entry as { resource: Record<string, unknown> }[]).map((e) => e.resource);
    const ig = json('Bundle-CauseOfDeathCodedContentBundle-Example1.json');
    expect(bundle.identifier).toEqual({ ...ig.identifier, extension: [ig.identifier.extension[0]] });
    expect(bundle.meta).toEqual(ig.meta);
    const pick = (o: Record<string, unknown>): Record<string, any> => ({ meta: o.meta, code: o.code, component: o.component });
    const igResource = (id: string) => ig.entry.find((e: { resource: { id: string } }) => e.resource.id === id).resource;
    expect(pick(underlying!)).toEqual({ ...pick(igResource('AutomatedUnderlyingCauseOfDeath-Example1')) });
    const igEntity = pick(igResource('EntityAxisCauseOfDeath-Example3'));
    igEntity.component[2].code.coding[0].system = 'http://hl7.org/fhir/us/vrdr/CodeSystem/vrdr-component-cs';
    expect(pick(entity!)).toEqual(igEntity);
    expect(pick(record!)).toEqual(pick(igResource('RecordAxisCauseOfDeath-Example1')));
  });

  it('refuses more codes than VRDR carries', () => {
    const many = Array.from({ length: 21 }, () => 'I10');
    expect(() => writeCodedContent({ ...CODES, recordAxis: many }, { certificateNumber: '1', jurisdiction: 'OH', year: 2024 })).toThrow('21 record-axis codes: VRDR carries up to 20');
  });
});
