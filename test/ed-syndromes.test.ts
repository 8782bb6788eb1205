/**
 * The built-in overdose syndromes on hand-written chief complaints (test/golden/ed/
 * syndrome-cases.tsv: complaint, codes, the exact set expected), the definitions as data, and the
 * engine's handling of user definitions and versions.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activateVersion,
  BUILTIN_SYNDROMES,
  ccddText,
  compileQuery,
  composeQuery,
  createSyndromeEngine,
  formatQuery,
  parseQuery,
  type SyndromeDefinitionInput,
  validateDefinition,
} from '../pipeline/coding/ed/syndromes/index.ts';

interface Case {
  line: number;
  chiefComplaint: string;
  codes: string[];
  expected: string[];
}

const TSV = new URL('./golden/ed/syndrome-cases.tsv', import.meta.url);

function readCases(): Case[] {
  const lines = fs.readFileSync(TSV, 'utf8').split('\n');
  expect(lines[0]).toBe('chief_complaint\tdischarge_diagnoses\texpected');
  const cases: Case[] = [];
  lines.forEach((text, i) => {
    if (i === 0 || text === '' || text.startsWith('#')) return;
    const fields = text.split('\t');
    if (fields.length !== 3) throw new Error(`syndrome-cases.tsv line ${i + 1}: expected 3 tab-separated columns, found ${fields.length}`);
    const [chiefComplaint, codes, expected] = fields as [string, string, string];
    const list = (value: string) => value.split(';').map((s) => s.trim()).filter(Boolean);
    cases.push({ line: i + 1, chiefComplaint, codes: list(codes), expected: list(expected) });
  });
  return cases;
}

const cases = readCases();
const engine = createSyndromeEngine();
const visit = (c: Case) => ({ chiefComplaint: c.chiefComplaint === '' ? null : c.chiefComplaint, dischargeDiagnoses: c.codes });
const IDS = ['all_drug', 'opioid', 'heroin', 'fentanyl', 'stimulant', 'cocaine', 'benzodiazepine'];

describe('golden chief complaints', () => {
  it('has at least 150 cases, covering every syndrome and the traps', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const id of IDS) expect(cases.filter((c) => c.expected.includes(id)).length, id).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.expected.length === 0).length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.codes.length > 0).length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [`${c.line}: ${c.chiefComplaint} | ${c.codes.join(';')}`, c] as const))('%s', (_label, c) => {
    for (const id of c.expected) expect(IDS, `line ${c.line}: unknown syndrome ${id}`).toContain(id);
    expect(engine.evaluate(visit(c))).toEqual(IDS.filter((id) => c.expected.includes(id)));
  });

  it('gives the same answer as each composed query run on its own', () => {
    const queries = BUILTIN_SYNDROMES.map((d) => ({ id: d.id, test: compileQuery(composeQuery(d)) }));
    for (const c of cases) {
      const text = ccddText(visit(c));
      expect(queries.filter((q) => q.test(text)).map((q) => q.id), `line ${c.line}`).toEqual(engine.evaluate(visit(c)));
    }
  });
});

describe('built-in definitions', () => {
  it('are the seven CDC-pattern syndromes, version 1, active, each with a source', () => {
    expect(BUILTIN_SYNDROMES.map((d) => [d.id, d.version, d.active])).toEqual(IDS.map((id) => [id, 1, true]));
    for (const d of BUILTIN_SYNDROMES) {
      expect(d.name, d.id).not.toBe('');
      expect(d.source, d.id).toMatch(/^CDC NSSP CCDD pattern: /);
      expect(d.query, d.id).toBeUndefined();
      expect(typeof d.diagnosisCodes, d.id).toBe('string');
    }
  });

  it('validate with neither errors nor warnings', () => {
    for (const d of BUILTIN_SYNDROMES) expect(validateDefinition(d), d.id).toEqual([]);
  });

  it('compose to one ESSENCE query each, stable under parse and format', () => {
    for (const d of BUILTIN_SYNDROMES) {
      const query = composeQuery(d);
      expect(query.startsWith(`(,${d.diagnosisCodes},),or,(,`), d.id).toBe(true);
      const canonical = formatQuery(parseQuery(query));
      expect(formatQuery(parseQuery(canonical)), d.id).toBe(canonical);
    }
  });

  it('write each qualifying code dotted and undotted, after a separator', () => {
    const opioid = BUILTIN_SYNDROMES.find((d) => d.id === 'heroin')!;
    expect(opioid.diagnosisCodes).toBe('^[;/ ]T40.1X[1-4]A^,or,^[;/ ]T401X[1-4]A^');
  });

  it('never count methotrexate, methocarbamol, methylprednisolone or methanol as methamphetamine', () => {
    const stimulant = createSyndromeEngine(BUILTIN_SYNDROMES.filter((d) => d.id === 'stimulant'));
    for (const drug of ['methotrexate', 'methocarbamol', 'methylprednisolone', 'methanol', 'methadone', 'methylene blue'])
      for (const form of [`${drug} overdose`, `OD on ${drug}`, `took too much ${drug}`, `${drug} ingestion, unresponsive`])
        expect(stimulant.evaluate({ chiefComplaint: form, dischargeDiagnoses: [] }), form).toEqual([]);
  });
});

describe('composeQuery', () => {
  it('puts the exclusions on the text only, after the codes', () => {
    expect(
      composeQuery({ diagnosisCodes: '^[;/ ]T40.1X1A^', autoIncludeTerms: '^narcan^', overdoseTerms: '^od^', drugTerms: '^heroin^', exclusions: '^denies^' }),
    ).toBe('(,^[;/ ]T40.1X1A^,),or,(,(,(,^narcan^,),or,(,(,^od^,),and,(,^heroin^,),),),andnot,(,^denies^,),)');
    expect(composeQuery({ overdoseTerms: '^od^', drugTerms: '^heroin^' })).toBe('(,(,(,^od^,),and,(,^heroin^,),),)');
    expect(composeQuery({ query: '^anything^', diagnosisCodes: 'ignored' })).toBe('^anything^');
  });
});

describe('validateDefinition', () => {
  const base: SyndromeDefinitionInput = { id: 'xylazine', version: 1, name: 'Xylazine', description: '', query: '^xylazine^' };

  it('accepts a minimal query definition', () => {
    expect(validateDefinition(base)).toEqual([]);
  });

  it('locates query errors by field and character', () => {
    expect(validateDefinition({ ...base, query: undefined, overdoseTerms: '^od^,or,', drugTerms: '^tranq^,xor,^xyl^' })).toEqual([
      { field: 'overdoseTerms', severity: 'error', position: 9, message: 'at character 9: expected a term after ",or,"' },
      {
        field: 'drugTerms',
        severity: 'error',
        position: 9,
        message: 'at character 9: unknown operator ",xor,"; expected ",and," ",or," or ",andnot,"',
      },
    ]);
  });

  it('names bad fields and bad combinations', () => {
    expect(
      validateDefinition({ id: 'Bad Id', version: 0, name: ' ', description: '', query: '^a^', diagnosisCodes: '^[;/ ]T40^', exclusions: '^no^' }),
    ).toEqual([
      { field: 'id', severity: 'error', message: 'expected snake_case: a lower-case letter, then letters, digits or "_"' },
      { field: 'version', severity: 'error', message: 'expected a whole number from 1' },
      { field: 'name', severity: 'error', message: 'expected a name' },
      { field: 'query', severity: 'error', message: 'expected either query or the parts, not both (also has diagnosisCodes, exclusions)' },
      { field: 'exclusions', severity: 'error', message: 'expected text criteria (autoIncludeTerms or overdoseTerms) for the exclusions to apply to' },
    ]);
    expect(validateDefinition({ ...base, query: undefined, overdoseTerms: '^od^' })).toEqual([
      { field: 'drugTerms', severity: 'error', message: 'expected overdoseTerms and drugTerms together' },
      { field: 'query', severity: 'error', message: 'expected a query, or diagnosisCodes, autoIncludeTerms or overdoseTerms with drugTerms' },
    ]);
  });

  it('warns when one group mixes operators without parentheses', () => {
    expect(validateDefinition({ ...base, query: '^xylazine^,or,^tranq^,andnot,^tranq dart^' })).toEqual([
      {
        field: 'query',
        severity: 'warning',
        position: 23,
        message: 'at character 23: ",or," and ",andnot," in one group are read left to right; group with "(," ",)" to make the order explicit',
      },
    ]);
    expect(validateDefinition({ ...base, query: '^xylazine^,or,(,^tranq^,andnot,^tranq dart^,)' })).toEqual([]);
  });
});

describe('createSyndromeEngine', () => {
  const xylazine: SyndromeDefinitionInput = {
    id: 'xylazine',
    version: 1,
    name: 'Xylazine',
    description: 'xylazine mentioned with an overdose term',
    query: '(,^xylazine^,or,!tranq!,),and,(,^overdos^,or,!od!,or,^unresp^,)',
  };

  it('evaluates user definitions in the order given, inactive ones skipped', () => {
    const e = createSyndromeEngine([xylazine, { ...xylazine, id: 'off', active: false }, ...BUILTIN_SYNDROMES.filter((d) => d.id === 'fentanyl')]);
    expect(e.evaluate({ chiefComplaint: 'fent and tranq OD', dischargeDiagnoses: [] })).toEqual(['xylazine', 'fentanyl']);
    expect(e.evaluate({ chiefComplaint: 'tranq dart in hand', dischargeDiagnoses: [] })).toEqual([]);
    expect(e.definitions.map((d) => [d.id, d.active])).toEqual([['xylazine', true], ['off', false], ['fentanyl', true]]);
  });

  it('keeps versions: only the active one counts, and activateVersion switches purely', () => {
    const v1 = { ...xylazine, active: true };
    const v2 = { ...xylazine, version: 2, active: false, query: '^xylazine^' };
    const text = { chiefComplaint: 'xylazine wound', dischargeDiagnoses: [] };
    expect(createSyndromeEngine([v1, v2]).evaluate(text)).toEqual([]);
    const switched = activateVersion([v1, v2], 'xylazine', 2);
    expect(switched.map((d) => [d.version, d.active])).toEqual([[1, false], [2, true]]);
    expect([v1.active, v2.active]).toEqual([true, false]);
    expect(createSyndromeEngine(switched).evaluate(text)).toEqual(['xylazine']);
    expect(() => activateVersion([v1], 'xylazine', 3)).toThrow('no definition xylazine version 3');
  });

  it('refuses invalid definitions, repeated versions and two active versions, naming each', () => {
    expect(() =>
      createSyndromeEngine([
        xylazine,
        { ...xylazine, version: 2 },
        { ...xylazine, version: 2, active: false },
        { ...xylazine, id: 'broken', query: '(,^a^' },
      ]),
    ).toThrow(
      [
        'invalid syndrome definitions:',
        '  definition xylazine v2: another version of xylazine is already active',
        '  definition xylazine v2: the same id and version appear twice',
        '  definition broken v1: query: at character 6: expected ",)" to close the group "(," opened at character 1',
      ].join('\n'),
    );
  });

  // evaluate remembers visits by their fields; the answer must always be that of the visit's CCDD text.
  it('answers each visit as its CCDD text does, across repeats, absent fields and a memo refilled', () => {
    // ISNULL and an undotted code tell apart the visits a careless key would merge.
    const definitions = [...BUILTIN_SYNDROMES, { id: 'empty', version: 1, name: 'No CCDD', description: '', query: 'ISNULL' }, { id: 'f11', version: 1, name: 'F11.120', description: '', query: '^;F11120;^' }];
    const engine = createSyndromeEngine(definitions, { memoCapacity: 5 });
    const fresh = () => createSyndromeEngine(definitions, { memoCapacity: 0 });
    const visits = [
      { chiefComplaint: 'OD on fent', triageNote: 'narcan x2', dischargeDiagnoses: [] },
      { chiefComplaint: 'OD on fent', triageNote: null, dischargeDiagnoses: [] },
      { chiefComplaint: 'OD on fent', triageNote: '', dischargeDiagnoses: [] },
      { chiefComplaint: null, triageNote: 'found down, narcan', dischargeDiagnoses: [] },
      { chiefComplaint: '', triageNote: null, dischargeDiagnoses: ['T40.411A'] },
      { chiefComplaint: null, triageNote: null, dischargeDiagnoses: [] },
      { chiefComplaint: 'headache', triageNote: null, dischargeDiagnoses: ['T40.411A', 'F11.120'] },
      { chiefComplaint: 'headache', triageNote: null, dischargeDiagnoses: ['T40.411A\u0000F11.120'] },
      { chiefComplaint: '\u0000', triageNote: null, dischargeDiagnoses: [] },
      { chiefComplaint: null, triageNote: 'heroin overdose', dischargeDiagnoses: [] },
      { chiefComplaint: 'cocaine', triageNote: 'overdose', dischargeDiagnoses: ['R55'] },
    ];
    const expected = visits.map((v) => fresh().evaluateText(ccddText(v, { triageNote: true })));
    expect(expected.filter((ids) => ids.length > 0).length).toBeGreaterThan(5);
    for (let pass = 0; pass < 3; pass++) expect(visits.map((v) => engine.evaluate(v))).toEqual(expected);
    const off = createSyndromeEngine(definitions, { triageNote: false });
    expect(visits.map((v) => off.evaluate(v))).toEqual(visits.map((v) => fresh().evaluateText(ccddText(v))));
  });

  it('matches ISNULL on a visit with neither complaint nor codes', () => {
    const e = createSyndromeEngine([{ id: 'empty', version: 1, name: 'No CCDD', description: '', query: 'ISNULL' }]);
    expect(e.evaluate({ chiefComplaint: null, dischargeDiagnoses: [] })).toEqual(['empty']);
    expect(e.evaluate({ chiefComplaint: null, dischargeDiagnoses: ['R55'] })).toEqual([]);
    expect(e.evaluateText(null)).toEqual(['empty']);
  });
});
