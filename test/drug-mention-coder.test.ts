import { describe, expect, it } from 'vitest';
import { createDrugMentionCoder } from '../pipeline/coding/deaths/drug-mention-coder.ts';
import { overdoseCause } from '../pipeline/coding/deaths/overdose-cause.ts';
import type { Certificate } from '../pipeline/records/certificate.ts';

const coder = createDrugMentionCoder();

function certificate(fields: Partial<Certificate> & { lines?: (string | null)[] }): Certificate {
  const lines = fields.lines ?? [];
  return {
    certificateId: 'T1',
    jurisdiction: 'OH',
    deathDate: '2024-01-01',
    age: 40,
    sex: 'M',
    residenceCountyFips: '39061',
    occurrenceCountyFips: '39061',
    manner: 'A',
    part1: [lines[0] ?? null, lines[1] ?? null, lines[2] ?? null, lines[3] ?? null],
    part2: null,
    howInjury: null,
    intervals: [null, null, null, null],
    injuryDate: null,
    injuryPlace: null,
    race: null,
    hispanic: null,
    autopsy: null,
    tobacco: null,
    pregnancy: null,
    ...fields,
  };
}

describe('external cause table (DOMAIN.md)', () => {
  it.each([
    [['T40.4'], 'accident', 'X42'],
    [['T40.4'], 'suicide', 'X62'],
    [['T40.4'], 'homicide', 'X85'],
    [['T40.4'], 'undetermined', 'Y12'],
    [['T42.4'], 'accident', 'X41'],
    [['T43.6'], 'suicide', 'X61'],
    [['T39.1'], 'accident', 'X40'],
    [['T44.3'], 'undetermined', 'Y13'],
    [['T46.5'], 'accident', 'X44'],
    [['T40.4', 'T40.5'], 'accident', 'X42'],
    [['T40.4', 'T43.6'], 'accident', 'X44'],
    [['T40.2', 'T42.4'], 'suicide', 'X64'],
    [['T40.4'], null, 'X42'],
  ] as const)('%j with intent %s is %s', (codes, intent, expected) => {
    expect(overdoseCause(codes, intent).code).toBe(expected);
  });
});

describe('drug-mention coder', () => {
  it('codes a combined fentanyl and cocaine poisoning with its multiple causes and entity axis', () => {
    const coded = coder.code(certificate({ lines: ['Acute combined fentanyl and cocaine toxicity'] }));
    expect(coded).toMatchObject({
      underlyingCause: 'X42',
      recordAxis: ['X42', 'T40.4', 'T40.5'],
      entityAxis: [
        { line: 1, position: 1, code: 'T40.4', text: 'fentanyl', natureOfInjury: true },
        { line: 1, position: 2, code: 'T40.5', text: 'cocaine', natureOfInjury: true },
      ],
      drugs: [
        { name: 'fentanyl', code: 'T40.4' },
        { name: 'cocaine', code: 'T40.5' },
      ],
      intent: 'accident',
      review: { required: false, reasons: [] },
    });
  });

  it('reads misspellings on a second Part I line and drug names in how-injury-occurred', () => {
    const coded = coder.code(certificate({ lines: ['Mixed drug intoxication', 'Fentanly and methamphetamin use'], howInjury: 'Used heroin' }));
    expect(coded.recordAxis).toEqual(['X44', 'T40.4', 'T43.6', 'T40.1']);
  });

  it('uses T50.9 only when no drug is named, and sends it for review', () => {
    const coded = coder.code(certificate({ lines: ['Drug overdose'] }));
    expect(coded).toMatchObject({ underlyingCause: 'X44', recordAxis: ['X44', 'T50.9'], review: { required: true } });
    expect(coded.review.reasons[0]).toMatch(/unspecified drug/);
  });

  it('does not read methicillin as meth, nor history of drug use as this death', () => {
    const coded = coder.code(
      certificate({ manner: 'N', lines: ['Sepsis', 'Methicillin-resistant Staphylococcus aureus pneumonia'], part2: 'History of IV drug use' }),
    );
    expect(coded).toMatchObject({ underlyingCause: null, recordAxis: [], drugs: [] });
  });

  it('does not count negated or therapeutic mentions', () => {
    expect(coder.code(certificate({ manner: 'N', lines: ['Metastatic lung cancer'], part2: 'Fentanyl patch for pain' })).drugs).toEqual([]);
    const negated = coder.code(certificate({ lines: ['Cocaine toxicity'], part2: 'Toxicology negative for fentanyl' }));
    expect(negated.recordAxis).toEqual(['X42', 'T40.5']);
    expect(negated.trace.some((step) => step.detail.includes('"fentanyl" not counted: negated'))).toBe(true);
  });

  it('codes pending investigation as R99 and flags it', () => {
    expect(coder.code(certificate({ manner: 'P', lines: ['Pending toxicology'] }))).toMatchObject({
      underlyingCause: 'R99',
      review: { required: true, reasons: ['pending investigation'] },
    });
  });

  it('codes alcohol alone as alcohol poisoning, not a drug overdose', () => {
    expect(coder.code(certificate({ lines: ['Acute ethanol intoxication'] }))).toMatchObject({ underlyingCause: 'X45', recordAxis: ['X45', 'T51.0'] });
  });

  it('flags a natural manner that contradicts a poisoning', () => {
    const coded = coder.code(certificate({ manner: 'N', lines: ['Oxycodone toxicity'] }));
    expect(coded.underlyingCause).toBe('X42');
    expect(coded.review.reasons).toContain('manner natural contradicts a drug poisoning in Part I');
  });
});
