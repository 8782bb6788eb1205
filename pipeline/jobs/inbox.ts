/**
 * The inbox job: certificate files dropped into data/inbox/ are loaded; each then moves to
 * inbox/archive/ when it loaded or inbox/quarantine/ (with its report beside it) when it did not.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IngestService } from '../ingest/ingest-service.ts';

export interface InboxSummary {
  files: number;
  loaded: number;
  quarantined: number;
  records: number;
}

export async function processInbox(inboxDir: string, ingest: IngestService): Promise<InboxSummary> {
  const summary: InboxSummary = { files: 0, loaded: 0, quarantined: 0, records: 0 };
  fs.mkdirSync(inboxDir, { recursive: true });
  const files = fs
    .readdirSync(inboxDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.csv'))
    .map((entry) => entry.name)
    .sort();
  for (const name of files) {
    summary.files++;
    const source = path.join(inboxDir, name);
    const report = await ingest.ingestFile(source, { source: 'inbox' });
    const ok = report.status === 'loaded';
    const destination = path.join(inboxDir, ok ? 'archive' : 'quarantine');
    fs.mkdirSync(destination, { recursive: true });
    fs.renameSync(source, path.join(destination, name));
    if (ok) {
      summary.loaded++;
      summary.records += report.recordsLoaded;
    } else {
      summary.quarantined++;
      fs.writeFileSync(path.join(destination, `${name}.report.json`), JSON.stringify(report, null, 2));
    }
  }
  return summary;
}
