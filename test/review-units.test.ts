/**
 * The review's pure parts on crafted inputs: the queue order (impact, then age), reason kinds,
 * agreement figures, what a correction stores, the code tables, and the emerging-word ranking.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { billableCmCodes, isBillableCmCode } from '../pipeline/coding/ed/billable-codes.ts';
import { CmCodes, substanceCode } from '../pipeline/coding/ed/cm-codes.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import { ICD10CM_DIR } from '../pipeline/coding/lexicon/build/tables.ts';
import { loadLexicon } from '../pipeline/coding/lexicon/lexicon.ts';
import { agreementReport, type AgreementDecision } from '../pipeline/review/agreement.ts';
import { correctedDeathCoding, correctedEdCoding, type DeathCodingRow, type EdCodingRow } from '../pipeline/review/corrected-coding.ts';
import { DeathCodeTable } from '../pipeline/review/death-codes.ts';
import { EdCodeTable } from '../pipeline/review/ed-codes.ts';
import { rankEmerging, UnknownWords, type RecordTexts } from '../pipeline/review/emerging.ts';
import { impactOf, orderQueue, type AlertingAreas, type QueueFacts } from '../pipeline/review/impact.ts';
import { parseItemId } from '../pipeline/review/item-id.ts';
import { classifyReason } from '../pipeline/review/reasons.ts';
import { billableCodesFile } from '../scripts/ed-lexicon/billable.ts';

const NOW = new Date('2024-03-31T12:00:00Z');
const NO_ALERTS: AlertingAreas = { counties: new Set(), states: new Set() };
const lexicon = loadLexicon();

function facts(id: string, daysAgo: number, extra: Partial<QueueFacts> = {}): QueueFacts {
  return {
    id,
    source: 'deaths',
    pendingSince: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
    reasons: ['manner natural contradicts a poisoning in Part I'],
    overdose: false,
    countyFips: '21111',
    underlyingCause: 'I25.1',
    ...extra,
  };
}

describe('queue order', () => {
  it('puts impact first, in the order new substance > overdose > alerting area > pending long > low confidence, then the oldest', () => {
    const areas: AlertingAreas = { counties: new Set(['39061']), states: new Set(['54']) };
    const items = [
      facts('plain-new', 1),
      facts('plain-old', 3),
      facts('low-confidence', 1, { reasons: ['text that matched nothing: "aecopd"'] }),
      facts('no-cause', 1, { underlyingCause: null, reasons: ['no codable condition found'] }),
      facts('long-pending', 10),
      facts('alerting-county', 1, { countyFips: '39061' }),
      facts('alerting-state', 2, { countyFips: '54039' }),
      facts('overdose', 1, { overdose: true }),
      facts('overdose-alerting-old', 9, { overdose: true, countyFips: '39061' }),
      facts('new-substance', 0, { reasons: ['possible new substance: "xylotrazine" in overdose context'] }),
    ];
    const ordered = orderQueue(items, areas, NOW);
    expect(ordered.map((i) => [i.id, i.impact.score])).toEqual([
      ['new-substance', 16],
      ['overdose-alerting-old', 8 + 4 + 2],
      ['overdose', 8],
      ['alerting-state', 4],
      ['alerting-county', 4],
      ['long-pending', 2],
      ['low-confidence', 1],
      ['no-cause', 1],
      ['plain-old', 0],
      ['plain-new', 0],
    ]);
    expect(ordered[1]!.impact.why).toEqual(['drug overdose', 'county 39061 is alerting', 'pending 9 days']);
    expect(ordered[3]!.impact.why).toEqual(['state 54 is alerting']);
  });

  it('breaks equal impact and equal age by id, so paging is stable', () => {
    const same = [facts('deaths-20', 2), facts('deaths-10', 2)];
    expect(orderQueue(same, NO_ALERTS, NOW).map((i) => i.id)).toEqual(['deaths-10', 'deaths-20']);
  });

  it('counts "pending for long" from more than 7 days (a missed weekly report)', () => {
    expect(impactOf(facts('a', 7), NO_ALERTS, NOW).longPending).toBe(false);
    expect(impactOf(facts('a', 7.05), NO_ALERTS, NOW)).toMatchObject({ longPending: true, why: ['pending 7 days'] });
  });

  it('an ED item has no underlying cause and is not low confidence for that', () => {
    expect(impactOf(facts('ed-1', 1, { source: 'ed', underlyingCause: null }), NO_ALERTS, NOW).lowConfidence).toBe(false);
  });
});

describe('review reasons', () => {
  it('groups reason texts into stable kinds, and keys an unknown one by its first words', () => {
    expect(classifyReason('possible new substance: "bromazolam" in overdose context').key).toBe('possible_new_substance');
    expect(classifyReason('possible new substance "tranq" in overdose context').key).toBe('possible_new_substance');
    expect(classifyReason('unsuitable underlying cause: only a mechanism or ill-defined condition (I46.9) is reported')).toMatchObject({ key: 'unsuitable_underlying_cause', lowConfidence: true });
    expect(classifyReason('manner accident but the text describes no injury or poisoning').key).toBe('manner_conflict');
    expect(classifyReason('opioid overdose inferred from naloxone given; no drug named (T40.60, unspecified narcotics)').key).toBe('inferred_poisoning');
    expect(classifyReason('possible "od" not coded: uncertain diagnoses are not coded for outpatient visits (ICD-10-CM Guidelines IV.H)').key).toBe('uncertain_diagnosis');
    expect(classifyReason('Something New: "x"')).toMatchObject({ key: 'something_new', lowConfidence: false });
  });
});

describe('agreement', () => {
  const d = (decision: 'accept' | 'correct', reasons: string[], reviewed: [string | null, string[]], decided: [string | null, string[]], source: 'deaths' | 'ed' = 'deaths'): AgreementDecision => ({
    source, decision, reasons, reviewedUnderlyingCause: reviewed[0], reviewedCodes: reviewed[1], decidedUnderlyingCause: decided[0], decidedCodes: decided[1],
  });
  const NEW = 'possible new substance: "zombrex" in overdose context';
  const MANNER = 'manner natural contradicts a poisoning in Part I';
  const decisions = [
    d('accept', [MANNER], ['X42', ['X42', 'T40.4']], ['X42', ['X42', 'T40.4']]),
    d('correct', [MANNER], ['X42', ['X42', 'T40.4']], ['X42', ['X42', 'T40.4', 'T40.1']]),
    d('correct', [NEW, MANNER], ['X42', ['X42', 'T40.4']], ['X44', ['X44', 'T40.4', 'T46.5']]),
    // A "correction" that changed nothing agrees.
    d('correct', [NEW], ['X44', ['X44', 'T50.9']], ['X44', ['T50.9', 'X44']]),
    d('accept', ['overdose with no substance named (T50.90, unspecified drug)'], [null, ['T50.901A']], [null, ['T50.901A']], 'ed'),
  ];

  it('reports per reason, per code and per underlying cause, as simple percent agreement', () => {
    const report = agreementReport(decisions);
    expect(report.method).toMatch(/simple percent agreement.*not chance-corrected \(no kappa\)/);
    expect(report.overall).toEqual({ decisions: 5, agreed: 3, percent: 60, accepted: 2, corrected: 3 });
    expect(report.underlyingCause).toEqual({ decisions: 4, agreed: 3, percent: 75 });
    expect(report.byReason).toEqual([
      { reason: 'manner_conflict', label: 'manner of death contradicts the text', decisions: 3, agreed: 1, percent: 33.3, accepted: 1, corrected: 2 },
      { reason: 'possible_new_substance', label: 'possible new substance in overdose context', decisions: 2, agreed: 1, percent: 50, accepted: 0, corrected: 2 },
      { reason: 'unspecified_drug', label: 'overdose with no specific drug named', decisions: 1, agreed: 1, percent: 100, accepted: 1, corrected: 0 },
    ]);
    const byCode = Object.fromEntries(report.byCode.map((c) => [c.code, [c.decisions, c.kept, c.removed, c.added, c.percent]]));
    expect(byCode).toEqual({
      'T40.4': [3, 3, 0, 0, 100],
      X42: [3, 2, 1, 0, 66.7],
      X44: [2, 1, 0, 1, 50],
      'T40.1': [1, 0, 0, 1, 0],
      'T46.5': [1, 0, 0, 1, 0],
      'T50.9': [1, 1, 0, 0, 100],
      'T50.901A': [1, 1, 0, 0, 100],
    });
    expect(report.byUnderlyingCause).toEqual([
      { code: 'X42', decisions: 3, agreed: 2, percent: 66.7, correctedTo: [{ code: 'X44', decisions: 1 }] },
      { code: 'X44', decisions: 1, agreed: 1, percent: 100, correctedTo: [] },
    ]);
  });

  it('has no percentages without decisions', () => {
    expect(agreementReport([]).overall).toEqual({ decisions: 0, agreed: 0, percent: null, accepted: 0, corrected: 0 });
  });
});

describe('code tables', () => {
  it('death: accepts the codes the death coding knows, names the bad code and says why', () => {
    const table = new DeathCodeTable(lexicon);
    for (const code of ['X42', 'X44', 'Y14', 'X85', 'T40.4', 'T46.5', 'I25.1', 'R99', 'W34', 'X74', 'V89.2', 'X45']) expect(table.problem(code), code).toBeNull();
    expect(table.problem('T40.4X')).toMatch(/^"T40\.4X" is not a WHO ICD-10 code/);
    expect(table.problem('T40.411A')).toMatch(/not a WHO ICD-10 code/);
    expect(table.problem('Q99.7')).toMatch(/^"Q99\.7" is not in vigil's death code table/);
    expect(table.size).toBeGreaterThan(6000);
  });

  it('ED: checks poisoning codes against the FY2025 list (with the 7th character), others by shape', () => {
    const table = new EdCodeTable(loadEdTables());
    for (const code of ['T40.411A', 'T40.1X1A', 'T42.4X2A', 'F11.20', 'R40.20']) expect(table.problem(code), code).toBeNull();
    expect(table.problem('T40.415A')).toMatch(/not an ICD-10-CM FY2025 poisoning code/);
    expect(table.problem('T40.411')).toMatch(/not an ICD-10-CM FY2025 poisoning code/);
    expect(table.problem('t40.411a')).toMatch(/not an ICD-10-CM code as the ED tables write it/);
  });

  it('ED: every other code must be a billable FY2025 code, with every character it needs', () => {
    const table = new EdCodeTable(loadEdTables());
    // Z91.190: by FY2025 Z91.19 (billable in FY2021) is split into .190/.198/.199. S06.0XAA, T40.711A,
    // R40.2A, U09.9, W44.A1XA are new since the FY2021 order file.
    const valid = ['T40.411A', 'T40.1X1A', 'S06.0X0A', 'W19.XXXA', 'F11.120', 'R40.20', 'R10.84', 'Z91.190', 'U07.1',
      'S06.0XAA', 'T40.711A', 'R40.2A', 'U09.9', 'W44.A1XA', 'H54.0X33', 'F10.129', 'T40.601A', 'T50.901A', 'I10', 'R99'];
    for (const code of valid) expect(table.problem(code), code).toBeNull();
    for (const code of ['Z99.999', 'U99.9', 'A00.0000', 'F11.1', 'S06.0X0', 'Z91.19', 'W19', 'W19.XXX', 'R40.2', 'S06.0XA', 'I10.0']) {
      expect(table.problem(code), code).toBe(`"${code}" is not an ICD-10-CM FY2025 billable code (a code of the FY2025 list with every character it needs: F11.120, S06.0X0A)`);
    }
    // Poisoning codes without their 7th character keep the poisoning message.
    expect(table.problem('T40.41')).toMatch(/not an ICD-10-CM FY2025 poisoning code/);
    expect(table.problem('T40.7X1A')).toMatch(/not an ICD-10-CM FY2025 poisoning code/); // since FY2021: T40.71- / T40.72-
    expect(isBillableCmCode('T40411A')).toBe(false); // dotted only
    expect(isBillableCmCode('T40.411A')).toBe(true);
    expect(billableCmCodes().size).toBeGreaterThan(74_000);
  });

  it('ED: every poisoning code of cm-poisoning-codes.tsv (each intent, A/D/S) and every code the coder builds is billable', () => {
    const tables = loadEdTables();
    const cm = new CmCodes(tables.categories);
    const codes: string[] = [];
    for (const info of tables.categories.values()) {
      for (const intent of info.intents) for (const encounter of 'ADS') codes.push(cm.poisoning(info.category, intent as '1').slice(0, -1) + encounter);
    }
    expect(codes.length).toBeGreaterThan(3000);
    for (const block of ['F10', 'F11', 'F12', 'F13', 'F14', 'F15', 'F16', 'F19']) {
      codes.push(substanceCode.intoxication(block), substanceCode.withdrawal(block), substanceCode.dependence(block), `${block}.229`);
    }
    expect(codes.filter((code) => !isBillableCmCode(code))).toEqual([]);
  });

  it.skipIf(!existsSync(ICD10CM_DIR))('ED: the committed billable code list is what scripts/derive-ed-lexicon.ts derives', () => {
    const { text } = billableCodesFile(ICD10CM_DIR);
    expect(text === readFileSync(new URL('../pipeline/coding/ed/data/cm-billable-codes.txt', import.meta.url), 'utf8')).toBe(true);
  });
});

describe('what a correction stores', () => {
  const automated: DeathCodingRow = {
    coder: 'vigil-death-coder/1', lexiconVersion: 'lexicon/x', underlyingCause: 'X42', isDrugOverdose: true, recordAxis: ['X42', 'T40.4', 'T40.5'],
    entityAxis: [
      { line: 1, position: 1, code: 'T40.4', text: 'fentanyl', nature_of_injury: true },
      { line: 1, position: 2, code: 'T40.5', text: 'cocaine', nature_of_injury: true },
      { line: 1, position: 3, code: 'T43.6', text: 'meth', nature_of_injury: true },
    ],
    drugs: [{ name: 'fentanyl', code: 'T40.4' }, { name: 'cocaine', code: 'T40.5' }], intent: 'accident', reviewRequired: true,
    reviewReasons: ['possible new substance: "zombrex" in overdose context'], trace: [{ rule: 'drug poisoning', detail: '...' }],
  };

  it('death: the coder\'s codes, the lines and drug names of the codes kept, who corrected and why', () => {
    const human = correctedDeathCoding(automated, { underlyingCause: 'X44', multipleCauses: ['T40.4', 'T43.6', 'T46.5'], comment: 'zombrex is xylazine' }, { tokenId: 'abc123abc123', name: 'Coder One' });
    expect(human).toEqual({
      coder: 'human:abc123abc123', lexiconVersion: 'lexicon/x', underlyingCause: 'X44', isDrugOverdose: true,
      recordAxis: ['X44', 'T40.4', 'T43.6', 'T46.5'],
      entityAxis: [
        { line: 1, position: 1, code: 'T40.4', text: 'fentanyl', nature_of_injury: true },
        { line: 1, position: 2, code: 'T43.6', text: 'meth', nature_of_injury: true },
      ],
      drugs: [{ name: 'fentanyl', code: 'T40.4' }], intent: 'accident', reviewRequired: false, reviewReasons: [],
      trace: [{ rule: 'human correction', detail: 'Coder One (token abc123abc123) corrected X42 [X42, T40.4, T40.5] to X44 [X44, T40.4, T43.6, T46.5]: zombrex is xylazine' }],
    });
    expect(correctedDeathCoding(automated, { underlyingCause: 'I25.1', multipleCauses: [], comment: 'natural' }, { tokenId: 't', name: 'n' }).isDrugOverdose).toBe(false);
  });

  it('ED: drugs and death-side classes follow the corrected poisoning codes through the bridge', () => {
    const reviewed: EdCodingRow = {
      coder: 'vigil-ed-coder/1', lexiconVersion: 'ed-lexicon/x', syndromeSet: 'all_drug@1', codes: ['T50.901A'], drugs: [{ name: 'unspecified drug', code: 'T50.90', death_class: 'T50.9' }],
      drugClasses: ['T50.9'], syndromes: ['all_drug'], negated: [], intent: 'accidental', reviewRequired: true, reviewReasons: ['overdose with no substance named (T50.90, unspecified drug)'],
    };
    const human = correctedEdCoding(reviewed, { codes: ['T40.411A', 'T40.1X2A', 'F11.20'], comment: 'fent and heroin' }, new EdCodeTable(loadEdTables()), { tokenId: 't1', name: 'n' });
    expect(human).toMatchObject({
      coder: 'human:t1', codes: ['T40.411A', 'T40.1X2A', 'F11.20'], drugClasses: ['T40.4', 'T40.1'], syndromes: ['all_drug'], intent: 'accidental', reviewRequired: false,
    });
    expect(human.drugs.map((x) => [x.code, x.death_class])).toEqual([['T40.41', 'T40.4'], ['T40.1', 'T40.1']]);
  });
});

describe('emerging substances', () => {
  const words = new UnknownWords(lexicon, new Set(['apartment']));
  const periods = { previousFrom: '2024-02-04', recentFrom: '2024-03-03', to: '2024-03-31' };
  const death = (id: number, day: string, text: string, overdose = true): RecordTexts => ({ source: 'deaths', recordId: String(id), day, overdose, texts: [text, null, null, null, null, null] });

  it('finds words the lexicon does not know, the way the coder reads them (spelling included)', () => {
    expect(words.of('Acute fentanly and zombrex toxicity found in apartment')).toEqual(['zombrex']);
    // One edit from a lexicon analogue (para fluorofentanyl): the matcher reads it, so it is not new.
    expect(words.of('Acute fluorofentanil toxicity')).toEqual([]);
    // A typo of a known word is not a substance either.
    expect(words.of('Acute heroin toxiicty, apartmnet')).toEqual([]);
    expect(words.of('Acute fentanyl toxicity')).toEqual([]);
  });

  it('ranks words in overdose context by growth, with the newest examples and a code to start from', () => {
    const records = [
      death(1, '2024-03-20', 'Acute zombrex and fentanyl toxicity'),
      death(2, '2024-03-21', 'Acute zombrex toxicity'),
      death(3, '2024-03-22', 'Combined zombrex and heroin intoxication'),
      death(4, '2024-02-10', 'Acute zylofentanyl toxicity'),
      death(5, '2024-03-10', 'Acute zylofentanyl toxicity'),
      death(6, '2024-03-11', 'Acute zylofentanyl toxicity'),
      death(7, '2024-03-12', 'Acute bromazolam toxicity'),
      // Not overdose context: not counted.
      death(8, '2024-03-12', 'Zombrex exposure', false),
      // Outside both periods.
      death(9, '2024-01-01', 'Acute zombrex toxicity'),
    ];
    const ranked = rankEmerging(records, [], words, periods, { minRecent: 2, limit: 10, examples: 2 });
    expect(ranked.map((t) => [t.token, t.recent, t.previous, t.growth])).toEqual([
      ['zombrex', 3, 0, 4],
      ['zylofentanyl', 2, 1, 1.5],
    ]);
    expect(ranked[0]!.examples.map((e) => [e.itemId, e.day, e.field])).toEqual([['deaths-3', '2024-03-22', 'part1_a'], ['deaths-2', '2024-03-21', 'part1_a']]);
    expect(ranked[0]!.suggestion.code).toBe('T50.9');
    expect(ranked[1]!.suggestion).toMatchObject({ code: 'T40.4' });
    expect(words.suggest('bromazolam')).toMatchObject({ code: 'T42.4' });
    expect(rankEmerging(records, [], words, periods, { minRecent: 2, limit: 10, examples: 2, exclude: new Set(['zombrex']) }).map((t) => t.token)).toEqual(['zylofentanyl']);
  });

  it('leaves out words about as common outside overdose context (narrative, not substances)', () => {
    const records = [death(1, '2024-03-20', 'Acute zombrex toxicity, roommate called'), death(2, '2024-03-21', 'Zombrex intoxication, roommate found him'), death(3, '2024-03-22', 'Heroin toxicity')];
    // 2 of 3 overdose records say "roommate": 1 in 10 background records says it too (specificity 6.7, kept); 2 in 10 (3.3, left out).
    const background = (n: number) => Array.from({ length: 10 }, (_, i) => death(100 + i, '2024-03-15', i < n ? 'Blunt head injury, roommate present' : 'Hypertension', false));
    const tokens = (n: number) => rankEmerging(records, background(n), words, periods, { minRecent: 2, limit: 10, examples: 1 }).map((t) => [t.token, t.background, t.specificity]);
    expect(tokens(1)).toEqual([['zombrex', 0, null], ['roommate', 1, 6.7]]);
    expect(tokens(2)).toEqual([['zombrex', 0, null]]);
  });
});

describe('item ids', () => {
  it('name a source and a record version', () => {
    expect(parseItemId('deaths-42')).toEqual({ source: 'deaths', recordId: 42n });
    expect(parseItemId('ed-7')).toEqual({ source: 'ed', recordId: 7n });
    for (const bad of ['deaths-0', 'deaths-x', 'ed-', 'visits-1', 'deaths-1;drop']) expect(parseItemId(bad), bad).toBeNull();
  });
});

describe('OpenAPI', () => {
  it('documents every review and lexicon route from its own schemas', async () => {
    const { openApiDocument } = await import('../server/openapi.ts');
    const { REVIEW_ROUTES } = await import('../server/routes/review.ts');
    const { LEXICON_ROUTES } = await import('../server/routes/lexicon.ts');
    const document = openApiDocument([...REVIEW_ROUTES, ...LEXICON_ROUTES], { title: 't', version: '1', description: 'd' }) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/lexicon', '/api/lexicon/proposals', '/api/lexicon/proposals/{id}', '/api/lexicon/proposals/{id}/approve', '/api/lexicon/proposals/{id}/reject',
      '/api/review/agreement', '/api/review/emerging', '/api/review/items/{id}', '/api/review/items/{id}/decision', '/api/review/queue',
    ]);
    expect(JSON.stringify(document.paths['/api/review/items/{id}/decision'])).toContain('multipleCauses');
  });
});
