import { describe, expect, it } from 'vitest';
import { DEMO_OPTIONS, labeledEdVisits } from '../fixtures/generator/index.ts';
import { createEdCoder, toEdContractJson } from '../pipeline/coding/ed/index.ts';
import { createSyndromeEngine } from '../pipeline/coding/ed/syndromes/engine.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { createVisitCoding } from '../pipeline/coding/ed/visit-coding.ts';
import { VisitTextMemo } from '../pipeline/coding/ed/visit-memo.ts';
import { stageEdResults } from '../pipeline/ingest/ed-staging.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';
import { validateEdVisitRow } from '../pipeline/records/ed-visit-schema.ts';

const tables = loadEdTables();

function visit(id: string, cc: string | null, note: string | null, dx: string[], age: number | null): EdVisit {
  return { visitId: id, facilityId: 'F1', visitDatetime: '2024-05-01T10:00', age, sex: 'F', patientCountyFips: null, chiefComplaint: cc, triageNote: note, dischargeDiagnoses: dx };
}

// The coder remembers only fields (which read no age); the engine here remembers nothing.
const plainCoder = createEdCoder(tables);
const plainEngine = createSyndromeEngine(undefined, { memoCapacity: 0 });
const freshAnswer = (v: EdVisit) => toEdContractJson(plainCoder.code(v), plainEngine.evaluateFresh(v));

describe('coding a visit with its syndromes, remembered by its text', () => {
  // Same text, different ages: under 6 an ingestion is a poisoning without overdose wording.
  const tricky = [
    visit('child-1', 'swallowed clonidine', null, [], 3),
    visit('adult-1', 'swallowed clonidine', null, [], 30),
    visit('unknown-age', 'swallowed clonidine', null, [], null),
    visit('child-2', 'swallowed clonidine', null, [], 5),
    visit('six', 'swallowed clonidine', null, [], 6),
    visit('od-1', 'OD on fent', 'narcan x2', [], 40),
    visit('od-2', 'OD on fent', null, [], 40),
    visit('od-3', 'OD on fent', '', [], 40),
    visit('null-cc', null, 'found down, narcan', [], 40),
    visit('codes-2', 'headache', null, ['T40.411A', 'F11.120'], 40),
    visit('codes-joined', 'headache', null, ['T40.411A\u0000F11.120'], 40),
    visit('stand-in', '\u0000', null, [], 40),
    visit('empty', null, null, [], 40),
  ];

  it('gives each visit its own answer, in any order and with the memo refilled', () => {
    const expected = tricky.map(freshAnswer);
    // The guard: the age changes the codes of the same text.
    expect(expected[0]!.codes).toEqual(['T46.5X1A']);
    expect(expected[1]!.codes).toEqual([]);
    for (const capacity of [1, 3, 100]) {
      const code = createVisitCoding(createEdCoder(tables), createSyndromeEngine(), capacity);
      for (const order of [tricky, [...tricky].reverse(), [...tricky, ...tricky]]) {
        for (const v of order) {
          const { coded, syndromes } = code(v);
          expect(toEdContractJson(coded, syndromes)).toEqual(expected[tricky.indexOf(v)]);
        }
      }
    }
  });

  it('equals fresh coding on generated visits, traps and outbreaks included', () => {
    const visits: EdVisit[] = [];
    for (const labeled of labeledEdVisits({ ...DEMO_OPTIONS, seed: 11, start: '2024-04-01', end: '2024-04-20', deathScale: 0, edScale: 0.0004 })) {
      const result = validateEdVisitRow(labeled.row);
      if (result.ok) visits.push(result.visit);
    }
    expect(visits.length).toBeGreaterThan(3_000);
    const expected = visits.map((v) => JSON.stringify(freshAnswer(v)));
    const code = createVisitCoding(createEdCoder(tables), createSyndromeEngine(), 500);
    const remembered = visits.map((v) => {
      const { coded, syndromes } = code(v);
      return JSON.stringify(toEdContractJson(coded, syndromes));
    });
    expect(remembered).toEqual(expected);
    // Staging remembers the coded JSON the same way: each visit's row names the same answer.
    const coding = { coder: createEdCoder(tables), syndromes: createSyndromeEngine(), syndromeSet: '' };
    const chunk = stageEdResults(visits.map((record, i) => ({ ok: true as const, line: i + 2, record })), coding, { staging: 'test', firstSeq: 0, jurisdiction: null });
    const codedById = new Map(chunk.coded);
    expect(chunk.coded.length).toBe(codedById.size); // each coded result given once
    expect(chunk.coded.length).toBeLessThan(visits.length);
    const rows = chunk.rows.trimEnd().split('\n');
    expect(rows).toHaveLength(visits.length);
    const staged = rows.map((row, i) => {
      const [, , codedId] = row.split(',');
      const { drug_classes: _, ...contract } = JSON.parse(codedById.get(Number(codedId))!) as Record<string, unknown>;
      return JSON.stringify({ visit_id: visits[i]!.visitId, ...contract });
    });
    expect(staged).toEqual(expected);
  });

  it('tells an absent field from every text, and codes apart however they are split', () => {
    const memo = new VisitTextMemo<number>(100);
    let computed = 0;
    const compute = () => ++computed;
    const get = (chiefComplaint: string | null, triageNote: string | null, dischargeDiagnoses: string[], band = 0, readNote = true) => memo.get({ chiefComplaint, triageNote, dischargeDiagnoses }, band, readNote, compute);
    expect([get('a', null, []), get('a', null, [])]).toEqual([1, 1]);
    expect([get('a', '\u0000', []), get('a', '', []), get(null, null, []), get('', null, [])]).toEqual([2, 3, 4, 5]);
    expect([get('a', null, ['T40.411A', 'F11.120']), get('a', null, ['T40.411A\u0000F11.120']), get('a', null, ['T40.411A']), get('a', null, ['F11.120', 'T40.411A'])]).toEqual([6, 7, 8, 9]);
    expect(get('a', null, ['T40.411A', 'F11.120'])).toBe(6);
    expect(get('a', null, [], 1)).toBe(10);
    // With the note left out, visits differing only by their note share an answer.
    expect(get('a', 'x', [], 0, false)).toBe(1);
  });

  it('when full, keeps the texts of its last generation that recur, and forgets the rest', () => {
    const memo = new VisitTextMemo<string>(3);
    const computed: string[] = [];
    const get = (text: string, codes: string[] = []) => memo.get({ chiefComplaint: text, dischargeDiagnoses: codes }, 0, true, (v) => (computed.push(v.chiefComplaint!), `${v.chiefComplaint}!`));
    for (const text of ['CP', 'OD', 'SOB']) get(text);
    // The fourth text starts a new generation: 'CP' comes from the last one, without coding it again.
    expect([get('fall'), get('CP'), get('OD', ['T40.1X1A'])]).toEqual(['fall!', 'CP!', 'OD!']);
    expect(computed).toEqual(['CP', 'OD', 'SOB', 'fall', 'OD']);
    // Full again: 'SOB' was not seen in the last generation, so it is coded again; 'CP' was.
    expect([get('SOB'), get('CP'), get('fall')]).toEqual(['SOB!', 'CP!', 'fall!']);
    expect(computed.slice(5)).toEqual(['SOB']);
  });
});
