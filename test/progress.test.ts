import { describe, expect, it } from 'vitest';
import { formatDuration, progressReporter, progressText } from '../pipeline/cli/progress.ts';

describe('ingest progress', () => {
  it('formats durations as a clock', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65.4)).toBe('1:05');
    expect(formatDuration(3 * 3600 + 7)).toBe('3:00:07');
  });

  it('a terminal gets a bar with percent, rate and ETA from the bytes read', () => {
    expect(progressText('big.csv', 50_000, 250, 1000, 5, true)).toBe('big.csv [######------------------]  25% 50,000 records, 10,000/s, 5.0 s, ETA 0:15');
  });

  it('a log gets a plain line; no ETA before anything is read or once everything is', () => {
    expect(progressText('big.csv', 50_000, 250, 1000, 5, false)).toBe('big.csv: 50,000 records, 10,000/s, 5.0 s, ETA 0:15');
    expect(progressText('big.csv', 0, 0, 1000, 0, false)).toBe('big.csv: 0 records, 0/s, 0.0 s');
    expect(progressText('big.csv', 10, 1000, 1000, 2, false)).toBe('big.csv: 10 records, 5/s, 2.0 s');
  });

  it('writes plain lines, at most one a second, when stderr is not a terminal', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const reporter = progressReporter('x.csv', 100, stream);
    reporter.update(1, 10);
    reporter.update(2, 20);
    reporter.done(3);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^x\.csv: 3 records, .* \(done\)\n$/);
  });
});
