/**
 * Structured logs (pino) to stderr: stdout is kept for data, as the CLI contract requires.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'vigil'): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}
