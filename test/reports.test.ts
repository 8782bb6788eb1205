/**
 * Reports over real HTTP on the seeded demo data set (test/helpers/test-server.ts): the HTML
 * report for the nation, a state and a county with every section; no count of 1-9 below the
 * nation in the public version (its tables, its text and its charts' data); a signed-in version
 * that differs only where suppression applied; the PNG charts decoded; bad parameters; the page
 * in Chromium under the server's Content-Security-Policy; the report's saved structure; and the
 * time a state report takes.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseHTML } from 'linkedom';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const STATE = '12'; // Florida: the demo's most overdose deaths, some months and most counties small
const PERIOD = 'from=2024-01&to=2024-04';
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(path.dirname(new URL(import.meta.url).pathname), 'reports-output');
const SECTIONS = ['summary', 'key-figures', 'trend', 'map', 'drugs', 'alerts', 'suppression', 'methods', 'tables'];

let server: TestServer;
let county: string;
const tokens: Record<'epidemiologist' | 'uploader', string> = { epidemiologist: '', uploader: '' };

beforeAll(async () => {
  server = await startTestServer({ demo: true });
  const connection = server.runtime.db.connection;
  tokens.epidemiologist = (await createToken(connection, { name: 'report epi', role: 'epidemiologist', createdBy: 'test' })).token;
  tokens.uploader = (await createToken(connection, { name: 'report uploader', role: 'uploader', jurisdictions: ['FL'], createdBy: 'test' })).token;
  // The county with the most overdose deaths in the period (all of them are small at demo scale).
  const [top] = (
    await connection.runAndReadAll(
      `SELECT residence_county_fips AS fips FROM measure_deaths('all_overdose')
       WHERE death_date >= DATE '2024-01-01' AND death_date < DATE '2024-05-01' AND residence_county_fips IS NOT NULL
       GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    )
  ).getRowObjectsJson();
  county = String(top!.fips);
});
afterAll(() => server?.close());

type Caller = 'public' | keyof typeof tokens;

async function get(route: string, caller: Caller = 'public'): Promise<Response> {
  return fetch(new URL(route, server.url), { headers: caller === 'public' ? {} : { authorization: `Bearer ${tokens[caller]}` } });
}

const reports = new Map<string, { response: Response; html: string }>();
async function report(query: string, caller: Caller = 'public'): Promise<{ response: Response; html: string; document: Document }> {
  const key = `${caller} ${query}`;
  if (!reports.has(key)) {
    const response = await get(`/api/reports?${query}`, caller);
    reports.set(key, { response, html: await response.text() });
  }
  const { response, html } = reports.get(key)!;
  return { response, html, document: parseHTML(html).document as unknown as Document };
}

const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const all = (root: ParentNode, selector: string) => [...root.querySelectorAll(selector)];

/** Deaths of the place from the database itself, by SQL written here (not the report's). */
async function deathsInDatabase(prefix: string): Promise<number> {
  const rows = (
    await server.runtime.db.connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM measure_deaths('all_overdose')
       WHERE death_date >= DATE '2024-01-01' AND death_date < DATE '2024-05-01' AND ($prefix = '' OR starts_with(residence_county_fips, $prefix))`,
      { prefix },
    )
  ).getRowObjectsJson();
  return Number(rows[0]!.n);
}

function referencePopulation(prefix: string, year: number): number {
  return fs
    .readFileSync(COUNTY_POPULATION_FILE, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((r) => r[5] === String(year) && r[0]!.startsWith(prefix))
    .reduce((sum, r) => sum + Number(r[6]), 0);
}

describe('the HTML report', () => {
  it.each([
    ['nation', 'United States', 51],
    [STATE, 'Florida', 67],
  ])('renders every section for place=%s', async (place, name, areas) => {
    const { response, document } = await report(`place=${place}&${PERIOD}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename=vigil-overdose-report-${place === 'nation' ? 'US' : place}-2024-01_2024-04.html`);
    expect(text(document.querySelector('h1'))).toBe(`Drug overdose deaths in ${place === 'nation' ? 'the United States' : name}, January–April 2024`);
    for (const id of SECTIONS) expect(document.getElementById(id), id).not.toBeNull();
    expect(all(document, '.key-figure').map((c) => c.getAttribute('data-figure'))).toEqual(['deaths', 'crude-rate', 'age-adjusted-rate', 'change', 'pending']);
    expect(all(document, 'svg[data-chart]').map((s) => s.getAttribute('data-chart'))).toEqual(['trend', 'map', 'drug-classes']);
    expect(all(document, 'svg[data-chart="map"] path[data-fips]')).toHaveLength(areas);
    expect(all(document, 'table.drug-classes tbody tr')).toHaveLength(8);
    expect(text(document.querySelector('.meta'))).toMatch(/Data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(document.querySelector('[data-notice="synthetic"]')).not.toBeNull();
    const methods = text(document.getElementById('methods'));
    for (const fact of ['X40–X44', 'X60–X64', 'X85', 'Y10–Y14', 'T40.4', 'T43.6', 'T42.4', '2000 US standard population', 'gamma', 'Fay & Feuer']) expect(methods).toContain(fact);
  });

  it('renders a county report with its county outlined on its state’s map', async () => {
    const { response, document } = await report(`place=${county}&${PERIOD}`);
    expect(response.status).toBe(200);
    for (const id of SECTIONS) expect(document.getElementById(id), id).not.toBeNull();
    expect(text(document.querySelector('h1'))).toMatch(/^Drug overdose deaths in .+ County, .+, January–April 2024$/);
    const counties = all(document, 'svg[data-chart="map"] path[data-fips]').map((p) => p.getAttribute('data-fips')!);
    expect(counties).toContain(county);
    expect(counties.every((f) => f.startsWith(county.slice(0, 2)))).toBe(true);
  });

  it('shows the figures the database holds, and rates from the Census populations', async () => {
    const { document } = await report(`place=${STATE}&${PERIOD}`, 'epidemiologist');
    const deaths = await deathsInDatabase(STATE);
    expect(deaths).toBeGreaterThan(20);
    expect(document.querySelector('[data-figure="deaths"] [data-count]')!.getAttribute('data-count')).toBe(String(deaths));
    const rate = Number(document.querySelector('[data-figure="crude-rate"] [data-rate]')!.getAttribute('data-rate'));
    expect(rate).toBeCloseTo((deaths / (referencePopulation(STATE, 2024) * (4 / 12))) * 100_000, 3);
    // The county table and the monthly table add up to the state's total.
    const sum = (selector: string) => all(document, selector).reduce((s, c) => s + Number(c.getAttribute('data-count')), 0);
    expect(sum('table.areas [data-count]')).toBe(deaths);
    expect(sum('table.monthly [data-count]')).toBe(deaths);
  });

  it('compares with the previous period when the data cover it', async () => {
    const { document } = await report(`place=${STATE}&from=2024-03&to=2024-04`, 'epidemiologist');
    expect(document.querySelector('[data-figure="change"] .change[data-significant]')).not.toBeNull();
    expect(text(document.querySelector('[data-figure="change"]'))).toMatch(/Previous period \(January–February 2024\)/);
    expect(all(document, 'table.monthly td').map(text)).toContain('Previous period');
    expect(all(document, 'table.drug-classes thead th').map(text)).toContain('Change in rate');
  });
});

/** Every number 1-9 the public report shows below the nation: none may exist. */
function smallSubnationalCounts(document: Document, reportLevel: 'nation' | 'state' | 'county'): string[] {
  const found: string[] = [];
  // Marked counts.
  for (const element of all(document, '[data-count]')) {
    const value = Number(element.getAttribute('data-count'));
    if (element.getAttribute('data-level') !== 'nation' && value >= 1 && value <= 9) found.push(`${element.tagName} ${text(element.parentElement)}`);
  }
  // Any cell or inline figure whose whole text is a number 1-9, marked or not.
  for (const element of all(document, 'td, span, dd')) {
    if (/^[1-9]$/.test(text(element)) && element.getAttribute('data-level') !== 'nation') found.push(`unmarked ${element.tagName} in ${text(element.parentElement)}`);
  }
  // The charts' data: bars and areas, and their tooltips ("N deaths").
  for (const svg of all(document, 'svg[data-chart]')) {
    const chartLevel = svg.getAttribute('data-chart') === 'map' ? 'sub' : reportLevel;
    if (chartLevel === 'nation') continue;
    for (const element of all(svg, '[data-deaths]')) {
      const value = Number(element.getAttribute('data-deaths'));
      if (value >= 1 && value <= 9) found.push(`${svg.getAttribute('data-chart')} chart element ${value}`);
    }
    for (const title of all(svg, 'title')) {
      for (const match of text(title).matchAll(/\b(\d+) deaths\b/g)) if (Number(match[1]) >= 1 && Number(match[1]) <= 9) found.push(`${svg.getAttribute('data-chart')} title ${text(title)}`);
    }
  }
  return found;
}

describe('the public version', () => {
  it.each([
    ['nation', 'nation'],
    [STATE, 'state'],
    ['county', 'county'],
  ] as const)('shows no count of 1-9 below the nation: place=%s', async (place, level) => {
    const { document } = await report(`place=${place === 'county' ? county : place}&${PERIOD}`);
    expect(smallSubnationalCounts(document, level)).toEqual([]);
    // And the check would see them: the unsuppressed version has such counts.
    const open = await report(`place=${place === 'county' ? county : place}&${PERIOD}`, 'epidemiologist');
    expect(smallSubnationalCounts(open.document, level).length).toBeGreaterThan(0);
  });

  it('hides rates with their counts, and never leaves a lone hidden count a total would give away', async () => {
    const { document } = await report(`place=${STATE}&${PERIOD}`);
    for (const row of all(document, 'table.areas tbody tr, table.monthly tbody tr, table.drug-classes tbody tr')) {
      if (row.querySelector('.count.suppressed')) expect(row.querySelector('.rate.suppressed'), text(row)).not.toBeNull();
    }
    // The state total is shown, so its counties' hidden counts come at least two at a time; so do the period's months.
    expect(document.querySelector('[data-figure="deaths"] [data-count]')).not.toBeNull();
    const hidden = (selector: string) => all(document, selector).filter((cell) => cell.matches('.suppressed')).length;
    expect(hidden('table.areas td.count')).not.toBe(1);
    expect(hidden('table.areas td.count')).toBeGreaterThan(0);
    expect(hidden('table.monthly td.count')).not.toBe(1);
    expect(text(document.getElementById('suppression'))).toMatch(/Map areas: \d+ of 67 counts withheld/);
  });

  it('withholds exactly what the public API withholds for the same figures', async () => {
    const { document } = await report(`place=${STATE}&${PERIOD}`);
    const api = async (route: string) => ((await (await get(route)).json()) as { rows: { geography: string; period: string | null; count: number | null }[] }).rows;
    // The county table: /api/aggregates' counties of the state over the period.
    const counties = new Map((await api(`/api/aggregates?geography=county&state=${STATE}&unit=total&${PERIOD}`)).map((r) => [r.geography, r.count]));
    for (const row of all(document, 'table.areas tbody tr')) {
      const cell = row.querySelector('td.count')!;
      const fips = row.getAttribute('data-key')!;
      if (cell.matches('.suppressed')) expect(counties.get(fips), fips).toBeNull();
      else expect(counties.get(fips) ?? 0, fips).toBe(Number(cell.getAttribute('data-count')));
    }
    expect([...counties.values()].filter((c) => c === null).length).toBe(all(document, 'table.areas td.count.suppressed').length);
    // The months and the total: the state's months over the period, and the period's total.
    const months = new Map((await api(`/api/aggregates?geography=state&state=${STATE}&unit=month&${PERIOD}`)).map((r) => [r.period, r.count]));
    for (const row of all(document, 'table.monthly tbody tr')) {
      const cell = row.querySelector('td.count')!;
      const month = row.getAttribute('data-key')!;
      expect(cell.matches('.suppressed') ? null : Number(cell.getAttribute('data-count')), month).toBe(months.has(month) ? months.get(month) : 0);
    }
    const [total] = await api(`/api/aggregates?geography=state&state=${STATE}&unit=total&${PERIOD}`);
    expect(Number(document.querySelector('[data-figure="deaths"] [data-count]')!.getAttribute('data-count'))).toBe(total!.count);
    // A drug class: /api/aggregates' measure.
    const [heroin] = await api(`/api/aggregates?measure=heroin&geography=state&state=${STATE}&unit=total&${PERIOD}`);
    const heroinCell = document.querySelector('table.drug-classes tr[data-key="heroin"] td.count')!;
    expect(heroinCell.matches('.suppressed') ? null : Number(heroinCell.getAttribute('data-count'))).toBe(heroin ? heroin.count : 0);
  });

  it.each([
    ['nation', 'geography=nation', 'from=2024-01&to=2024-03', 'unit=quarter&from=2024-01&to=2024-03'],
    // Below the nation the public gets combinations by calendar year: the demo's January-April is its year.
    [STATE, `geography=state&place=${STATE}`, 'from=2024-01&to=2024-04', 'unit=year&from=2024-01&to=2024-12'],
  ])('lists the drug combinations /api/combinations shows for the same table: place=%s', async (place, where, period, table) => {
    const { document } = await report(`place=${place}&${period}`);
    const response = await get(`/api/combinations?${where}&${table}`);
    const [quarter] = ((await response.json()) as { tables: { combinations: { combination: string; count: number | null }[] }[] }).tables;
    const shown = quarter!.combinations.filter((c) => c.count !== null).sort((a, b) => b.count! - a.count! || (a.combination < b.combination ? -1 : 1));
    const listed = all(document, 'table.combinations tbody tr').map((r) => ({ combination: r.getAttribute('data-key'), count: Number(r.querySelector('td.count')!.getAttribute('data-count')) }));
    expect(listed).toEqual(shown.slice(0, 10).map((c) => ({ combination: c.combination, count: c.count })));
    if (place === 'nation') expect(listed).toHaveLength(10);
  });

  it('withholds from the public the combinations of a state over part of a year, saying why', async () => {
    const { document } = await report(`place=${STATE}&from=2024-01&to=2024-03`);
    expect(all(document, 'table.combinations tbody tr')).toEqual([]);
    expect(text(document.querySelector('[data-empty="combinations"]'))).toMatch(/published by calendar year/);
  });

  it('is what an uploader gets too (only the roles that see unsuppressed aggregates get more)', async () => {
    const pub = await report(`place=${STATE}&${PERIOD}`);
    const uploader = await report(`place=${STATE}&${PERIOD}`, 'uploader');
    const body = (html: string) => html.replace(/Generated [^<]+UTC/, '');
    expect(body(uploader.html)).toBe(body(pub.html));
    expect(pub.response.headers.get('cache-control')).toBe('no-cache');
  });
});

/** Rows of every data table, by table class and row key, each row its cells. */
function tableRows(document: Document): Map<string, Element[]> {
  const rows = new Map<string, Element[]>();
  for (const table of all(document, 'table.data')) {
    const name = [...table.classList].filter((c) => c !== 'data').join('.');
    for (const row of all(table, 'tbody tr')) rows.set(`${name} ${row.getAttribute('data-key')}`, all(row, 'th, td'));
  }
  return rows;
}

describe('the signed-in version', () => {
  it('is marked not for public release, in the page, its print footer, its charts and its file name', async () => {
    const { response, document } = await report(`place=${STATE}&${PERIOD}`, 'epidemiologist');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('content-disposition')).toContain('-not-for-public-release.html');
    expect(all(document, '[data-marking="not-for-public-release"]')).toHaveLength(2);
    expect(document.querySelector('meta[name="vigil-release"]')!.getAttribute('content')).toBe('not-for-public-release');
    for (const svg of all(document, 'svg[data-chart]')) expect(text(svg.querySelector('.chart-marking'))).toBe('NOT FOR PUBLIC RELEASE');
    const pub = await report(`place=${STATE}&${PERIOD}`);
    expect(pub.document.querySelector('.chart-marking')).toBeNull();
  });

  it.each(['nation', STATE, 'county'])('differs from the public version only where suppression applied: place=%s', async (which) => {
    const place = which === 'county' ? county : which;
    const pub = (await report(`place=${place}&${PERIOD}`)).document;
    const open = (await report(`place=${place}&${PERIOD}`, 'epidemiologist')).document;
    let differences = 0;

    // Tables, row by row and cell by cell.
    const publicRows = tableRows(pub);
    const openRows = tableRows(open);
    for (const [key, cells] of publicRows) {
      const other = openRows.get(key);
      expect(other, key).toBeDefined();
      cells.forEach((cell, i) => {
        if (cell.matches('[data-suppressed]')) {
          differences++;
          expect(other![i]!.matches('[data-public-suppressed]'), `${key} cell ${i}: ${text(other![i])}`).toBe(true);
        } else expect(text(other![i]), `${key} cell ${i}`).toBe(text(cell));
      });
    }
    // Rows only the signed-in version lists (combinations and alerts of 1-9) are flagged.
    for (const [key, cells] of openRows) {
      if (publicRows.has(key)) continue;
      differences++;
      expect(cells.some((c) => c.matches('[data-public-suppressed]')), key).toBe(true);
    }
    // Key figures: the same text, except a figure the public version suppresses.
    for (const card of all(pub, '.key-figure')) {
      const other = open.querySelector(`.key-figure[data-figure="${card.getAttribute('data-figure')}"]`)!;
      if (card.querySelector('[data-suppressed]')) expect(other.querySelector('[data-public-suppressed]')).not.toBeNull();
      else expect(text(other)).toBe(text(card));
    }
    // Charts: every datum the public chart draws is drawn the same; the signed-in extras are exactly the ones marked suppressed.
    for (const chart of ['trend', 'map', 'drug-classes']) {
      const data = (document: Document) =>
        new Map(all(document, `svg[data-chart="${chart}"] [data-deaths]`).map((e) => [e.getAttribute('data-month') ?? e.getAttribute('data-fips') ?? e.getAttribute('data-key'), e.getAttribute('data-deaths')]));
      const hiddenKeys = new Set(all(pub, `svg[data-chart="${chart}"] [data-suppressed]`).map((e) => e.getAttribute('data-month') ?? e.getAttribute('data-fips') ?? e.getAttribute('data-key')));
      const shown = data(pub);
      const full = data(open);
      for (const [key, value] of shown) expect(full.get(key), `${chart} ${key}`).toBe(value);
      expect([...full.keys()].filter((k) => !shown.has(k)).sort(), chart).toEqual([...hiddenKeys].filter((k) => full.has(k)).sort());
    }
    // Methods are the same text.
    expect(text(open.getElementById('methods'))).toBe(text(pub.getElementById('methods')));
    if (which !== 'nation') expect(differences).toBeGreaterThan(0);
  });
});

interface Png {
  width: number;
  height: number;
  pixel(x: number, y: number): [number, number, number, number];
}

/** A minimal PNG decoder (8-bit RGB/RGBA, all five filters), enough to look at resvg's output. */
function decodePng(buffer: Buffer): Png {
  expect(buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    expect(buffer.readUInt32BE(offset + 8 + length), `${type} CRC`).toBe(zlib.crc32(buffer.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8], 'bit depth').toBe(8);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels, 'colour type').toBeGreaterThan(0);
    } else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = y * stride + x * channels;
      return [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, channels === 4 ? pixels[i + 3]! : 255];
    },
  };
}

function countPixels(png: Png, box: { x0: number; y0: number; x1: number; y1: number }, test: (p: [number, number, number, number]) => boolean): number {
  let n = 0;
  for (let y = box.y0; y < Math.min(box.y1, png.height); y++) for (let x = box.x0; x < Math.min(box.x1, png.width); x++) if (test(png.pixel(x, y))) n++;
  return n;
}

const dark = ([r, g, b]: number[]) => r! + g! + b! < 200;
const red = ([r, g, b]: number[]) => r! > 140 && g! < 70 && b! < 70;

describe('PNG charts', () => {
  it.each([
    ['trend', STATE, 'public'],
    ['map', STATE, 'public'],
    ['drug-classes', STATE, 'public'],
    ['map', 'nation', 'epidemiologist'],
    ['trend', 'county', 'epidemiologist'],
  ] as const)('%s for place=%s as %s: a PNG of the chart’s size, with its text drawn', async (chart, which, caller) => {
    const place = which === 'county' ? county : which;
    const response = await get(`/api/reports/charts/${chart}.png?place=${place}&${PERIOD}`, caller);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename=vigil-overdose-${chart}-${place === 'nation' ? 'US' : place}-2024-01_2024-04${caller === 'public' ? '' : '-not-for-public-release'}\\.png$`));
    const png = decodePng(Buffer.from(await response.arrayBuffer()));
    // The size: the SVG the HTML report inlines for the same chart, at 2 pixels per unit.
    const { document } = await report(`place=${place}&${PERIOD}`, caller);
    const svg = document.querySelector(`svg[data-chart="${chart}"]`)!;
    expect([png.width, png.height]).toEqual([Number(svg.getAttribute('width')) * 2, Number(svg.getAttribute('height')) * 2]);
    // Not blank, and the title (drawn only if the font loaded) is there: dark pixels in its band.
    expect(countPixels(png, { x0: 0, y0: 0, x1: png.width, y1: png.height }, (p) => p[0] + p[1] + p[2] < 700)).toBeGreaterThan(png.width * png.height * 0.02);
    expect(countPixels(png, { x0: 32, y0: 32, x1: 700, y1: 66 }, dark)).toBeGreaterThan(500);
    // The release marking, in red at the top right, only on the unsuppressed version.
    const marking = countPixels(png, { x0: png.width - 420, y0: 28, x1: png.width - 30, y1: 66 }, red);
    if (caller === 'public') expect(marking).toBe(0);
    else expect(marking).toBeGreaterThan(300);
  });
});

describe('bad requests', () => {
  it.each([
    ['/api/reports', /^invalid place: missing/],
    ['/api/reports?place=99', /^invalid place: "99" \(not the FIPS code of a state or DC\)/],
    ['/api/reports?place=ohio', /^invalid place: "ohio"/],
    ['/api/reports?place=99999', /^invalid place: "99999"/],
    ['/api/reports?place=12&place=13', /^invalid place: \["12","13"\]/],
    ['/api/reports?place=12&from=2024-13', /^invalid from: "2024-13" \(expected a month as YYYY-MM\)/],
    ['/api/reports?place=12&to=April', /^invalid to: "April"/],
    ['/api/reports?place=12&from=2024-04&to=2024-01', /^invalid from: "2024-04" is after to "2024-01"/],
    ['/api/reports?place=12&from=2015-01&to=2024-04', /^invalid from: "2015-01" to "2024-04" is more than 60 months/],
    ['/api/reports?place=12&format=pdf', /^invalid parameter "format": not one of place, from, to/],
    ['/api/reports/charts/pie.png?place=12', /^invalid chart: "pie"/],
    ['/api/reports/charts/map.png?place=1', /^invalid place: "1"/],
  ])('%s is a 400 naming the parameter', async (route, message) => {
    const response = await get(route);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(message);
    expect(body.error.message).not.toMatch(/\.ts\b|\bat \w|SELECT|duckdb/i);
  });

  it('answers a period without data with a 404 that says what the data cover', async () => {
    const response = await get('/api/reports?place=12&from=2020-01&to=2020-12');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('no data for Jan 2020 – Dec 2020: the data cover Jan 2024 – Apr 2024');
  });

  it('fits a period that runs past the data to the months with data, and says so', async () => {
    const { response, document } = await report('place=12&from=2023-05&to=2024-04');
    expect(response.status).toBe(200);
    expect(text(document.querySelector('[data-notice="clamped"]'))).toBe(
      'You asked for May 2023 – Apr 2024; the data cover Jan 2024 – Apr 2024, so this report covers January–April 2024.',
    );
  });
});

describe.skipIf(!fs.existsSync(CHROMIUM))('in the browser', () => {
  it('loads under the server’s Content-Security-Policy with no violation and no request but itself, and prints to pages', async () => {
    const { response, html } = await report(`place=${STATE}&${PERIOD}`, 'epidemiologist');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const messages: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => messages.push(message.text()));
      await page.addInitScript(() => {
        (globalThis as unknown as { violations: string[] }).violations = [];
        document.addEventListener('securitypolicyviolation', (event) => (globalThis as unknown as { violations: string[] }).violations.push(`${event.violatedDirective} ${event.blockedURI}`));
      });
      await page.route('http://report.test/**', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': csp }, body: html }));
      await page.goto('http://report.test/report.html');
      expect(await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations)).toEqual([]);
      expect(messages.filter((m) => /Content Security Policy|Refused/i.test(m))).toEqual([]);
      expect(requests).toEqual(['http://report.test/report.html']);
      expect(await page.locator('svg[data-chart]').count()).toBe(3);
      // Print: the marking repeats at the foot of every page; the report spans several pages.
      await page.emulateMedia({ media: 'print' });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.print-marking')!).position)).toBe('fixed');
      const pdf = await page.pdf({ format: 'Letter' });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(4);
    } finally {
      await browser.close();
    }
  });
});

/**
 * The report's structure, saved (test/reports-output/): elements with their ids, classes and data
 * attribute names, headings and table headers with digits as '#', charts summarised by what they
 * draw. A changed report is a diff to read; UPDATE_GOLDENS=1 accepts it; CI refuses a missing file.
 */
function outline(document: Document): string {
  const lines: string[] = [];
  const TEXT = new Set(['h1', 'h2', 'h3', 'th', 'caption', 'dt', 'figcaption', 'title', 'li']);
  const walk = (element: Element, depth: number) => {
    const tag = element.tagName.toLowerCase();
    const attributes = [...element.attributes]
      .filter((a) => a.name === 'id' || a.name === 'class' || a.name.startsWith('data-'))
      .map((a) => (['id', 'class', 'data-chart', 'data-figure', 'data-notice', 'data-section', 'data-empty'].includes(a.name) ? `${a.name}=${a.value}` : a.name))
      .join(' ');
    let line = `${'  '.repeat(depth)}${tag}${attributes ? ` [${attributes}]` : ''}`;
    if (TEXT.has(tag)) line += ` "${text(element).replace(/\d/g, '#')}"`;
    if (tag === 'svg' && element.hasAttribute('data-chart')) {
      const count = (selector: string) => element.querySelectorAll(selector).length;
      lines.push(`${line} bars=${count('rect[data-deaths]')} points=${count('circle[data-rate]')} areas=${count('path[data-fips]')} suppressed=${count('[data-suppressed]')} notes=${count('.chart-note')}`);
      return;
    }
    if (tag === 'style') {
      lines.push(`${line} (${element.textContent!.length > 0 ? 'stylesheet' : 'empty'})`);
      return;
    }
    lines.push(line);
    for (const child of element.children) walk(child, depth + 1);
  };
  walk(document.documentElement, 0);
  // Runs of identical lines (table rows, list items) collapse, so the file reads as a structure.
  const collapsed: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[i]) j++;
    collapsed.push(j > i ? `${lines[i]} ×${j - i + 1}` : lines[i]!);
    i = j + 1;
  }
  return `${collapsed.join('\n')}\n`;
}

describe('saved output', () => {
  it.each([
    ['state-public', `place=${STATE}&${PERIOD}`, 'public'],
    ['state-signed-in', `place=${STATE}&${PERIOD}`, 'epidemiologist'],
  ] as const)('%s report structure matches test/reports-output/', async (name, query, caller) => {
    const actual = outline((await report(query, caller)).document);
    const file = path.join(OUTPUT, `${name}.txt`);
    if (process.env.UPDATE_GOLDENS || (!fs.existsSync(file) && !process.env.CI)) {
      fs.mkdirSync(OUTPUT, { recursive: true });
      fs.writeFileSync(file, actual);
    }
    expect(fs.existsSync(file), `${file} is missing (run with UPDATE_GOLDENS=1 to write it)`).toBe(true);
    expect(actual).toBe(fs.readFileSync(file, 'utf8'));
  });
});

describe('speed', () => {
  it('renders a state report in seconds, not tens of seconds', async () => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const response = await get(`/api/reports?place=${STATE}&${PERIOD}`);
      await response.text();
      times.push(performance.now() - started);
      expect(response.status).toBe(200);
    }
    times.sort((a, b) => a - b);
    process.stderr.write(`state report (Florida, Jan–Apr 2024, demo data ~21,600 certificates): median ${Math.round(times[1]!)} ms of 3 (${times.map(Math.round).join(', ')} ms)\n`);
    // Generous: the machine is shared; this catches a report that got pathologically slow, not noise.
    expect(times[1]!).toBeLessThan(10_000);
  });
});
