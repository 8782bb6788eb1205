import { startScheduler } from '../jobs/scheduler.ts';
import type { Config } from '../config.ts';
import { openRuntime } from '../runtime.ts';
import { startServer } from '../../server/start.ts';
import { certificateCount, loadDemo } from './demo.ts';

/** `vigil serve`: API, dashboard and scheduled jobs in one process (the one that owns the database). */
export async function serveCommand(config: Config, options: { demoIfEmpty: boolean }): Promise<number> {
  const runtime = await openRuntime(config);
  if (options.demoIfEmpty && (await certificateCount(runtime)) === 0) {
    process.stderr.write('The database is empty: loading the synthetic demo data set (about half a minute)...\n');
    await loadDemo(runtime, {});
  }
  const server = await startServer(runtime);
  const scheduler = startScheduler(runtime);
  process.stderr.write(`vigil is serving the dashboard at ${server.url}\n`);
  process.stdout.write(`${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('vigil: shutting down\n');
  await scheduler.stop();
  await server.close();
  runtime.close();
  return 0;
}
