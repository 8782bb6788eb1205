// Who sees what (dashboard/src/session.ts) and the report downloads (dashboard/src/report.ts).
import { describe, expect, test, vi } from 'vitest';
import { Http } from '../../dashboard/src/api/http.ts';
import { cellCount, cellRate, reportCsv, reportFileName, type ReportModel } from '../../dashboard/src/report.ts';
import { TokenStore, checkTokenShape, fetchSession, permissionsOf } from '../../dashboard/src/session.ts';
import { row } from './rows.ts';

const TOKEN = `vgl_0123456789ab_${'A'.repeat(43)}`;

function sessionServer(status: number, body: unknown): Http {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  return new Http({ token: () => TOKEN, fetch: fetch as unknown as typeof globalThis.fetch });
}

describe('permissions', () => {
  test('each role sees its pages, as server/auth/principal.ts grants them', () => {
    const views = (role: Parameters<typeof permissionsOf>[0]) => [...permissionsOf(role).views].sort();
    expect(views('public')).toEqual(['alerts', 'combinations', 'overview', 'reports']);
    expect(views('uploader')).toEqual(['alerts', 'combinations', 'overview', 'reports', 'upload']);
    expect(views('coder')).toEqual(['alerts', 'combinations', 'overview', 'reports', 'review']);
    expect(views('epidemiologist')).toEqual(['alerts', 'combinations', 'overview', 'reports']);
    expect(views('admin')).toEqual(['alerts', 'combinations', 'overview', 'reports', 'review', 'upload']);
  });

  test('line lists for the roles that read records; clusters for epidemiologists and admins', () => {
    expect(['public', 'uploader', 'coder', 'epidemiologist', 'admin'].map((r) => permissionsOf(r as 'public').lineList)).toEqual([false, false, true, true, true]);
    expect(['public', 'uploader', 'coder', 'epidemiologist', 'admin'].map((r) => permissionsOf(r as 'public').clusters)).toEqual([false, false, false, true, true]);
    expect(['public', 'uploader', 'coder', 'epidemiologist', 'admin'].map((r) => permissionsOf(r as 'public').unsuppressed)).toEqual([false, false, true, true, true]);
  });
});

describe('signing in', () => {
  test('a token must look like one before it is sent', () => {
    expect(checkTokenShape(TOKEN)).toBeNull();
    expect(checkTokenShape('')).toBe('Paste your API token first.');
    expect(checkTokenShape(TOKEN.slice(0, -1))).toMatch(/does not look like a vigil API token/);
    expect(checkTokenShape(`Bearer ${TOKEN}`)).not.toBeNull();
  });

  test('GET /api/session says the role', async () => {
    await expect(fetchSession(sessionServer(200, { role: 'coder', name: 'nightly coder' }))).resolves.toEqual({ role: 'coder', name: 'nightly coder', jurisdictions: null, roleKnown: true });
    await expect(fetchSession(sessionServer(200, { principal: { role: 'uploader', name: 'MD office', jurisdictions: ['MD'] } }))).resolves.toEqual({ role: 'uploader', name: 'MD office', jurisdictions: ['MD'], roleKnown: true });
  });

  test('a server without /api/session counts as the public, with the role unknown', async () => {
    await expect(fetchSession(sessionServer(404, { error: { status: 404, message: 'no route for GET /session' } }))).resolves.toEqual({ role: 'public', name: null, jurisdictions: null, roleKnown: false });
  });

  test('a rejected token is an error, never the public', async () => {
    await expect(fetchSession(sessionServer(401, { error: { status: 401, message: 'invalid or revoked API token' } }))).rejects.toThrow('invalid or revoked API token');
  });

  test('the token store keeps one token, and storage that refuses means signed out', () => {
    const data = new Map<string, string>();
    const store = new TokenStore({ getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) });
    store.set(TOKEN);
    expect(store.get()).toBe(TOKEN);
    store.set(null);
    expect(store.get()).toBeNull();
    const refusing = new TokenStore({ getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceeded'); }, removeItem: () => {} });
    expect(() => refusing.set(TOKEN)).not.toThrow();
    expect(refusing.get()).toBeNull();
  });
});

describe('report downloads', () => {
  const model: ReportModel = {
    place: '24', placeLabel: 'Maryland', from: '2024-01', to: '2024-02', dataAsOf: null, synthetic: false, generatedAt: '2024-06-02T08:30:00.000Z',
    measures: [
      { key: 'all_overdose', label: 'All drug overdose deaths', total: { ...row('24', null, 93, 6_180_253), rateLower: 1.21, rateUpper: 1.84 }, months: new Map([['2024-01', row('24', '2024-01', 52, 6_180_253)], ['2024-02', row('24', '2024-02', 41, 6_180_253)]]), error: null },
      { key: 'heroin', label: 'Heroin, "T40.1"', total: row('24', null, 11, 6_180_253), months: new Map([['2024-01', { ...row('24', '2024-01', 0, 6_180_253), count: null, ratePer100k: null, suppressed: true }]]), error: null },
      { key: 'methadone', label: 'Methadone', total: null, months: new Map(), error: 'The server answered 500' },
    ],
  };

  test('CSV: the period, then each month; suppressed cells blank and flagged; quotes escaped; failed measures left out', () => {
    expect(reportCsv(model).split('\r\n')).toEqual([
      'place,place_name,measure,measure_label,period,count,population,rate_per_100k,rate_lower,rate_upper,suppressed,unreliable',
      `24,Maryland,all_overdose,All drug overdose deaths,2024-01/2024-02,93,6180253,${(93 / 6_180_253) * 1e5},1.21,1.84,false,false`,
      `24,Maryland,heroin,"Heroin, ""T40.1""",2024-01/2024-02,11,6180253,${(11 / 6_180_253) * 1e5},,,false,true`,
      `24,Maryland,all_overdose,All drug overdose deaths,2024-01,52,6180253,${(52 / 6_180_253) * 1e5},,,false,false`,
      '24,Maryland,heroin,"Heroin, ""T40.1""",2024-01,,6180253,,,,true,true',
      `24,Maryland,all_overdose,All drug overdose deaths,2024-02,41,6180253,${(41 / 6_180_253) * 1e5},,,false,false`,
      '24,Maryland,heroin,"Heroin, ""T40.1""",2024-02,0,,,,,false,true',
      '',
    ]);
  });

  test('table cells say suppressed, star unreliable rates and give the interval', () => {
    const total = model.measures[0]!.total!;
    expect(cellRate(total)).toBe('1.5 (1.21–1.84)');
    expect(cellRate(model.measures[1]!.total)).toBe('0.178*');
    expect(cellCount(model.measures[1]!.months.get('2024-01'))).toBe('suppressed');
    expect(cellCount(undefined)).toBe('0');
    expect(reportFileName(model, 'csv')).toBe('vigil-24-2024-01-2024-02.csv');
  });
});
