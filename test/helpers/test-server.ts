/**
 * The real server on a random port over a temporary database, optionally loaded with a small
 * seeded demo data set (four months, ~2% of national deaths: tens of thousands of certificates).
 */
import { loadDemo } from '../../pipeline/cli/demo.ts';
import { startServer } from '../../server/start.ts';
import { openTestRuntime, type TestRuntime } from './runtime.ts';

export interface TestServer {
  url: string;
  runtime: TestRuntime;
  close(): Promise<void>;
}

export const TEST_DEMO = { scale: '0.02', seed: '7', from: '2024-01-01', to: '2024-04-30' } as const;

export async function startTestServer(options: { demo?: boolean; codingWorkers?: number } = {}): Promise<TestServer> {
  const runtime = await openTestRuntime({ codingWorkers: options.codingWorkers ?? 0 });
  if (options.demo ?? true) await loadDemo(runtime, { ...TEST_DEMO });
  const server = await startServer(runtime, { port: 0, host: '127.0.0.1' });
  return {
    url: server.url,
    runtime,
    close: async () => {
      await server.close();
      runtime.dispose();
    },
  };
}
