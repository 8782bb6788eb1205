/**
 * Progress of a long load on stderr: a bar redrawn in place on a terminal, plain lines (at most
 * one a second) otherwise, so logs of a cron job or CI stay readable. Records, records per second
 * and the time left, estimated from the bytes read against the file's size.
 */
export interface ProgressReporter {
  update(records: number, bytesRead: number): void;
  done(records: number): void;
}

const BAR_WIDTH = 24;

/** "1:05", "12:00:03": whole seconds as a clock. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** The text of one progress report (pure, for tests). */
export function progressText(label: string, records: number, bytesRead: number, totalBytes: number, seconds: number, bar: boolean): string {
  const rate = seconds > 0 ? Math.round(records / seconds) : 0;
  const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 0;
  const eta = fraction > 0 && fraction < 1 ? `, ETA ${formatDuration((seconds * (1 - fraction)) / fraction)}` : '';
  const counts = `${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')}/s, ${seconds.toFixed(1)} s${eta}`;
  if (!bar) return `${label}: ${counts}`;
  const filled = Math.round(fraction * BAR_WIDTH);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${counts}`;
}

export function progressReporter(label: string, totalBytes: number, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = Date.now();
  const terminal = stream.isTTY === true;
  let lastPrinted = started;
  let lastBytes = 0;
  const seconds = () => (Date.now() - started) / 1000;
  return {
    update(records, bytesRead) {
      lastBytes = bytesRead;
      const now = Date.now();
      if (now - lastPrinted < (terminal ? 200 : 1000)) return;
      lastPrinted = now;
      const text = progressText(label, records, bytesRead, totalBytes, seconds(), terminal);
      stream.write(terminal ? `\r${text}\x1b[K` : `${text}\n`);
    },
    done(records) {
      const text = progressText(label, records, Math.max(lastBytes, totalBytes), totalBytes, seconds(), terminal);
      stream.write(terminal ? `\r${text} (done)\x1b[K\n` : `${text} (done)\n`);
    },
  };
}
