import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../pipeline/store/database.ts';
import { verifyToken } from '../pipeline/store/tokens.ts';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const SAMPLE = path.join(ROOT, 'fixtures/samples/certificates-small.csv');

/** Runs `vigil` as a user would; resolves with exit code, stdout and stderr. */
async function vigil(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'pipeline/cli/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, VIGIL_LOG_LEVEL: 'silent', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('vigil CLI', () => {
  it('code deaths prints one contract NDJSON line per certificate and nothing else on stdout', async () => {
    const { code, stdout } = await vigil(['code', 'deaths', SAMPLE]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(10);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['certificate_id', 'underlying_cause', 'record_axis', 'entity_axis', 'drugs', 'intent', 'review', 'trace']);
      expect(Object.keys(line.review)).toEqual(['required', 'reasons']);
      for (const entity of line.entity_axis) expect(Object.keys(entity)).toEqual(['line', 'position', 'code', 'text', 'nature_of_injury']);
    }
    expect(lines[0]).toMatchObject({ certificate_id: '2024OH000001', underlying_cause: 'X44', record_axis: ['X44', 'T40.4', 'T43.6'], intent: 'accident' });
  });

  it('code deaths reports rejected records on stderr with file, line and field, and exits 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, fs.readFileSync(SAMPLE, 'utf8').split('\n')[0] + '\nB1,OH,2024-01-01,30,M,39061,39061,X,Heroin toxicity,,,,,\n');
    const { code, stdout, stderr } = await vigil(['code', 'deaths', file]);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(`${file}:2: B1: manner: not a manner of death code (N, A, S, H, P, C)`);
    fs.rmSync(dir, { recursive: true });
  });

  it('code deaths reads IJE and VRDR too, and --ije writes the IJE back with only the coded fields changed', async () => {
    const conformance = new URL('../fixtures/conformance/vrdr-dotnet/', import.meta.url).pathname;
    const input = path.join(conformance, 'ije', 'CODandCOUNTYCOther.ije');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const out = path.join(dir, 'coded.ije');
    const { code, stdout } = await vigil(['code', 'deaths', input, '--ije', out]);
    expect(code).toBe(0);
    const [line] = stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(line).toMatchObject({ certificate_id: '2021MA266148', underlying_cause: 'C22.0' });
    const before = fs.readFileSync(input, 'latin1');
    const after = fs.readFileSync(out, 'latin1');
    expect(after.length).toBe(5000);
    const changed = [...after].flatMap((ch, i) => (ch === before[i] ? [] : [i + 1]));
    // Only ACME_UC (710-714), EAC (715-874) and RAC (876-975) may differ.
    expect(changed.every((position) => position >= 710 && position <= 975)).toBe(true);
    expect(after.slice(709, 714)).toBe('C220 ');
    const vrdr = await vigil(['code', 'deaths', path.join(conformance, 'json', 'DeathRecordSubmissionMessage.json')]);
    expect(JSON.parse(vrdr.stdout)).toMatchObject({ certificate_id: '2020NY000182', underlying_cause: 'O15.9' });
    fs.rmSync(dir, { recursive: true });
  });

  it('code ed prints one contract NDJSON line per visit; rejected HL7 messages go to stderr with their place', async () => {
    const samples = new URL('../fixtures/samples/', import.meta.url).pathname;
    const csv = await vigil(['code', 'ed', path.join(samples, 'ed-visits-small.csv')]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(Object.keys(line)).toEqual(['visit_id', 'codes', 'drugs', 'syndromes', 'negated', 'review', 'intent']);
    expect(lines[0]).toMatchObject({ visit_id: 'F3904901-2024-000101', codes: ['T40.411A', 'F11.10'], syndromes: ['all_drug', 'opioid', 'fentanyl'] });
    const hl7 = await vigil(['code', 'ed', path.join(samples, 'adt-small.hl7')]);
    expect(hl7.code).toBe(1);
    expect(hl7.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(hl7.stderr).toContain('message 4 (line 23): MSH-9 message type ORU^R01 is not ADT A01, A03, A04 or A08; skipped');
  });

  it('a wrong configuration value stops it at start, naming the variable and value', async () => {
    const { code, stderr } = await vigil(['jobs'], { PORT: 'eighty' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vigil: Invalid configuration:\n {2}PORT="eighty": /);
  });

  it('an unknown command or a missing file is a one-line usage error', async () => {
    expect(await vigil(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vigil: unknown command: frobnicate/) });
    expect(await vigil(['code', 'deaths', '/no/such.csv'])).toMatchObject({ code: 2, stderr: 'vigil: no such file: /no/such.csv\n' });
  });

  it('tokens: create prints the token once (warning on stderr), list shows no secret, revoke keeps it revoked; each change audited', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const env = { VIGIL_DATA_DIR: dir };
    try {
      const created = await vigil(['tokens', 'create', '--role', 'uploader', '--name', 'MA vital records', '--jurisdiction', 'ma', '--jurisdiction', 'RI'], env);
      expect(created.code).toBe(0);
      const token = JSON.parse(created.stdout) as { token: string; tokenId: string; role: string; jurisdictions: string[]; createdBy: string };
      expect(token).toMatchObject({ role: 'uploader', jurisdictions: ['MA', 'RI'], createdBy: expect.stringMatching(/^cli:/) });
      expect(token.token).toMatch(new RegExp(`^vgl_${token.tokenId}_`));
      expect(created.stderr).toMatch(/only time it is shown/);
      expect(created.stderr).not.toContain(token.token);

      const listed = await vigil(['tokens', 'list'], env);
      expect(listed.code).toBe(0);
      expect(listed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ tokenId: token.tokenId, name: 'MA vital records', revokedAt: null })]);
      expect(listed.stdout).not.toContain(token.token.split('_').slice(2).join('_'));

      const revoked = await vigil(['tokens', 'revoke', token.tokenId], env);
      expect(revoked.code).toBe(0);
      expect(JSON.parse(revoked.stdout)).toMatchObject({ tokenId: token.tokenId, revokedAt: expect.stringMatching(/^\d{4}-/) });
      expect(await vigil(['tokens', 'revoke', 'abcdefabcdef'], env)).toMatchObject({ code: 1, stdout: '', stderr: 'vigil: no token abcdefabcdef\n' });

      const db = await openDatabase(path.join(dir, 'vigil.duckdb'));
      try {
        expect(await verifyToken(db.connection, token.token)).toBeNull();
        const audit = (await db.connection.runAndReadAll(`SELECT actor, role, action, target FROM audit_log ORDER BY seq`)).getRowObjectsJson();
        expect(audit).toEqual([
          { actor: token.createdBy, role: 'operator', action: 'token.create', target: token.tokenId },
          { actor: token.createdBy, role: 'operator', action: 'token.revoke', target: token.tokenId },
        ]);
        // While another process holds the database, the command says so and what to do instead.
        const locked = await vigil(['tokens', 'list'], env);
        expect(locked.code).toBe(2);
        expect(locked.stderr).toMatch(/^vigil: The database .* is held by another process \(PID \d+\).*Stop it to manage tokens here, or use the running server with an admin token: GET \/api\/tokens/);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tokens: a bad role, a missing name or a scoped non-uploader is a usage error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const env = { VIGIL_DATA_DIR: dir };
    try {
      expect(await vigil(['tokens', 'create', '--role', 'root', '--name', 'x'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vigil: --role: expected one of admin, uploader, coder, epidemiologist/) });
      expect(await vigil(['tokens', 'create', '--role', 'coder'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vigil: --name: /) });
      expect(await vigil(['tokens', 'create', '--role', 'coder', '--name', 'x', '--jurisdiction', 'MA'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/only uploader tokens/) });
      expect(await vigil(['tokens', 'create', '--role', 'uploader', '--name', 'x'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/at least one jurisdiction/) });
      expect(await vigil(['tokens', 'revoke', '../etc'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a token id/) });
      expect(await vigil(['tokens'], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vigil: usage: vigil tokens create/) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('populations load: checks the file whole, completes its margins, replaces the counties and years it covers; a bad line loads nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const env = { VIGIL_DATA_DIR: dir };
    try {
      const good = path.join(dir, 'hamilton.csv');
      fs.writeFileSync(good, 'fips,year,age_group,sex,population\n39061,2024,all,M,400000\n39061,2024,all,F,430000\n');
      const loaded = await vigil(['populations', 'load', good], env);
      expect(loaded.code, loaded.stderr).toBe(0);
      expect(JSON.parse(loaded.stdout)).toEqual({ file: good, rowsRead: 2, rowsDerived: 1, counties: 1, years: [2024], rowsReplaced: 1, ageSpecific: false });

      const bad = path.join(dir, 'bad.csv');
      fs.writeFileSync(bad, 'fips,year,age_group,sex,population\n39061,2024,all,all,1\n39061,2024,all,X,5\n');
      const refused = await vigil(['populations', 'load', bad], env);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toContain(`${bad}: 1 problem, nothing loaded:\n  line 3: sex "X" is not M, F or all`);

      expect(await vigil(['populations'], env)).toMatchObject({ code: 2, stderr: 'vigil: usage: vigil populations load FILE (a CSV fips,year,age_group,sex,population)\n' });
      expect(await vigil(['populations', 'load', path.join(dir, 'none.csv')], env)).toMatchObject({ code: 2, stderr: `vigil: no such file: ${path.join(dir, 'none.csv')}\n` });

      const db = await openDatabase(path.join(dir, 'vigil.duckdb'));
      try {
        const rows = (await db.connection.runAndReadAll(`SELECT sex, CAST(population AS INTEGER) AS population FROM populations WHERE fips = '39061' AND year = 2024 ORDER BY sex`)).getRowObjectsJson();
        expect(rows).toEqual([
          { sex: 'F', population: 430000 },
          { sex: 'M', population: 400000 },
          { sex: 'all', population: 830000 },
        ]);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('jobs run refresh-aggregates: runs the job now, recorded as a manual run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
    const env = { VIGIL_DATA_DIR: dir };
    try {
      const ran = await vigil(['jobs', 'run', 'refresh-aggregates'], env);
      expect(ran.code, ran.stderr).toBe(0);
      expect(JSON.parse(ran.stdout)).toMatchObject({ deaths: { mode: 'full', records: 0 }, ed: { mode: 'full', records: 0 } });
      const listed = await vigil(['jobs'], env);
      expect(listed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ job: 'refresh-aggregates', trigger: 'manual', status: 'succeeded' })]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
