// Bundles the dashboard into a static folder the server serves at `/`.
// `npx tsx dashboard/build.ts [--no-minify]` builds and prints the folder.
import { build } from 'esbuild';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface BuildOptions {
  /** Defaults to dashboard/dist. */
  outDir?: string;
  /** Defaults to true; the source map keeps minified code debuggable. */
  minify?: boolean;
}

export async function buildDashboard(options: BuildOptions = {}): Promise<string> {
  const outDir = resolve(options.outDir ?? join(here, 'dist'));
  await mkdir(outDir, { recursive: true });
  const topology = createRequire(import.meta.url).resolve('us-atlas/counties-albers-10m.json');
  const bundle = await build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: options.minify ?? true,
    write: false,
    logLevel: 'silent',
  });
  // Each file is written beside its place and renamed into it, so a server (or a second test
  // worker building at the same time) never serves a half-written file.
  const unique = `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  const place = async (path: string, write: (tmp: string) => Promise<void>) => {
    await write(path + unique);
    await rename(path + unique, path);
  };
  await Promise.all([
    ...bundle.outputFiles.map((file) => place(file.path, (tmp) => writeFile(tmp, file.contents))),
    ...[join(here, 'index.html'), join(here, 'styles.css'), topology].map((source) =>
      place(join(outDir, basename(source)), (tmp) => copyFile(source, tmp)),
    ),
  ]);
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const outDir = await buildDashboard({ minify: !process.argv.includes('--no-minify') });
  console.log(outDir);
  console.error(`built in ${Math.round(performance.now() - started)} ms`);
}
