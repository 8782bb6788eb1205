/**
 * Work the server does on its own between requests (answers warmed after a data change), tracked so that closing the server waits for what is running and starts nothing
 * more: a query must never run on a database that is being closed.
 */
import type { Logger } from 'pino';

export class BackgroundWork {
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** True once `stop` was called: a long task checks it between steps. */
  get stopping(): boolean {
    return this.closing;
  }

  /** Runs `task` unless stopping; a failure is logged, never thrown (nobody is waiting for it). */
  run(name: string, task: () => Promise<void>): void {
    if (this.closing) return;
    const done: Promise<void> = task()
      .catch((error: unknown) => {
        if (!this.closing) this.logger.warn({ err: error, task: name }, 'background work failed');
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Starts nothing more and resolves when what is running has finished. */
  async stop(): Promise<void> {
    this.closing = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
