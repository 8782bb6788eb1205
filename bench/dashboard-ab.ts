/**
 * The first map of this checkout's dashboard against another checkout's (a git worktree of an
 * older commit), in one run: cold loads alternate between the two (base, this, this, base, …)
 * against one server, so both see the same machine. On the 2-core benchmark machine the runs of
 * bench/dashboard.ts drift by ±20-30% between minutes, more than most page changes move them.
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   npx tsx bench/dashboard-ab.ts --base /tmp/base [--loads 20] [--data-dir bench/out/dashboard-scale-1]
 *
 * Only the page differs: the server is this checkout's, and the base's page (its dashboard built
 * by its own dashboard/build.ts: index.html, main.js, styles.css) is put in place of this one's for
 * the base's loads. Use bench/dashboard.ts for server changes. The data set is the one
 * bench/dashboard.ts loads (run it first). Times are each load's, since navigation start, to the
 * painted frame after the `vigil:map-drawn` mark and after `vigil:map-interactive` (this
 * checkout's county paths; a page without that mark has them with the map), as an epidemiologist.
 * Prints each load and the medians.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { certificateCount } from '../pipeline/cli/demo.ts';
import { loadConfig } from '../pipeline/config.ts';
import { openRuntime } from '../pipeline/runtime.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startServer } from '../server/start.ts';
import { machineDescription, median } from './machine.ts';
import { coldPage, launchChromium, markPainted } from './page-marks.ts';

const { values } = parseArgs({ options: { base: { type: 'string' }, loads: { type: 'string', default: '20' }, 'data-dir': { type: 'string', default: 'bench/out/dashboard-scale-1' } } });
const base = values.base ? resolve(values.base) : '';
if (!base || !existsSync(join(base, 'dashboard/build.ts'))) {
  console.error('usage: npx tsx bench/dashboard-ab.ts --base CHECKOUT [--loads N] [--data-dir DIR]; CHECKOUT is another checkout of vigil (a git worktree)');
  process.exit(2);
}
const loads = Number(values.loads);

// The base's page, built by its own build script into a folder of its own.
const baseDist = mkdtempSync(join(tmpdir(), 'vigil-ab-'));
execFileSync('npx', ['tsx', '-e', `import('./dashboard/build.ts').then((m) => m.buildDashboard({ outDir: ${JSON.stringify(baseDist)} }))`], { cwd: base, stdio: 'inherit' });
const basePage: Record<string, { body: Buffer; type: string }> = {
  '/': { body: readFileSync(join(baseDist, 'index.html')), type: 'text/html; charset=utf-8' },
  '/main.js': { body: readFileSync(join(baseDist, 'main.js')), type: 'text/javascript; charset=utf-8' },
  '/styles.css': { body: readFileSync(join(baseDist, 'styles.css')), type: 'text/css; charset=utf-8' },
};

const runtime = await openRuntime(loadConfig({ VIGIL_DATA_DIR: resolve(values['data-dir']), VIGIL_LOG_LEVEL: 'warn', VIGIL_JOBS_ENABLED: 'false', PORT: '0' }), pino({ level: 'warn' }));
if ((await certificateCount(runtime)) === 0) {
  console.error(`no data in ${values['data-dir']}: run bench/dashboard.ts first (it loads the national year)`);
  process.exit(2);
}
const token = (await createToken(runtime.db.connection, { name: 'bench/dashboard-ab.ts', role: 'epidemiologist', createdBy: 'bench' })).token;
const server = await startServer(runtime, { port: 0, host: '127.0.0.1' });
const browser = await launchChromium();

const times = { base: { map: [] as number[], paths: [] as number[] }, this: { map: [] as number[], paths: [] as number[] } };
try {
  for (let i = 0; i < loads * 2; i++) {
    const side = i % 4 === 0 || i % 4 === 3 ? 'base' : 'this';
    const page = await coldPage(browser, token);
    if (side === 'base') {
      await page.route(
        (url) => url.pathname in basePage,
        (route) => {
          const file = basePage[new URL(route.request().url()).pathname]!;
          return route.fulfill({ status: 200, body: file.body, contentType: file.type });
        },
      );
    }
    await page.goto(server.url);
    const map = await markPainted(page, 'vigil:map-drawn');
    // A page without the mark has its county paths with the map.
    const paths = (await markPainted(page, 'vigil:map-interactive', { after: 'vigil:map-drawn', ms: 1500 })) ?? map;
    times[side].map.push(map);
    times[side].paths.push(paths);
    console.log(`${side.padEnd(4)} first map ${map.toFixed(0)} ms, county paths in ${paths.toFixed(0)} ms`);
    await page.context().close();
  }
  console.log(`machine: ${machineDescription()}; ${loads} cold loads each, alternating, against ${base}`);
  for (const side of ['base', 'this'] as const) {
    console.log(`${side}: first map median ${median(times[side].map).toFixed(0)} ms, county paths in median ${median(times[side].paths).toFixed(0)} ms`);
  }
  console.log(`this / base, first map: ${(median(times.this.map) / median(times.base.map)).toFixed(3)}`);
} finally {
  await browser.close();
  await server.close();
  runtime.close();
}
