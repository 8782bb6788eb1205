/**
 * Starts the HTTP server on a runtime: builds the dashboard, mounts the app, listens.
 */
import type { AddressInfo } from 'node:net';
import { buildDashboard } from '../dashboard/build.ts';
import type { Runtime } from '../pipeline/runtime.ts';
import { createApp } from './app.ts';
import type { BackgroundWork } from './background.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(runtime: Runtime, options: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const dashboardDir = await buildDashboard();
  const app = await createApp({ ...runtime, dashboardDir });
  const host = options.host ?? runtime.config.host;
  const server = app.listen(options.port ?? runtime.config.port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      // Nothing the server started on its own may still be querying when the caller closes the database.
      await (app.locals['background'] as BackgroundWork).stop();
    },
  };
}
