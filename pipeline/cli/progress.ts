/**
 * Progress of a long load on stderr: records read and records per second, at most once a second.
 */
export function progressReporter(label: string): { update(records: number): void; done(records: number): void } {
  const started = Date.now();
  let lastPrinted = started;
  const line = (records: number) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(records / seconds) : 0;
    return `${label}: ${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')}/s, ${seconds.toFixed(1)} s`;
  };
  return {
    update(records) {
      const now = Date.now();
      if (now - lastPrinted < 1000) return;
      lastPrinted = now;
      process.stderr.write(`${line(records)}\n`);
    },
    done(records) {
      process.stderr.write(`${line(records)} (done)\n`);
    },
  };
}
