/**
 * The inbox job: files dropped into data/inbox/ are loaded; each then moves to archive/ when it
 * loaded or quarantine/ (with its report beside it) when it did not. A jurisdiction gets a folder
 * of its own, inbox/<JURISDICTION>/ (two-letter code, YC for New York City): its files are loaded
 * as that jurisdiction's, and a record of another jurisdiction in them is rejected.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IngestService } from '../ingest/ingest-service.ts';

export interface InboxSummary {
  files: number;
  loaded: number;
  quarantined: number;
  records: number;
  /** Per jurisdiction folder, the files it held ("*" for the shared inbox). */
  byJurisdiction: Record<string, number>;
}

const JURISDICTION_FOLDER = /^[A-Z]{2}$/;

export async function processInbox(inboxDir: string, ingest: IngestService): Promise<InboxSummary> {
  const summary: InboxSummary = { files: 0, loaded: 0, quarantined: 0, records: 0, byJurisdiction: {} };
  fs.mkdirSync(inboxDir, { recursive: true });
  const folders: { dir: string; jurisdiction: string | null }[] = [{ dir: inboxDir, jurisdiction: null }];
  for (const entry of fs.readdirSync(inboxDir, { withFileTypes: true })) {
    if (entry.isDirectory() && JURISDICTION_FOLDER.test(entry.name)) folders.push({ dir: path.join(inboxDir, entry.name), jurisdiction: entry.name });
  }
  for (const folder of folders) {
    for (const name of filesIn(folder.dir, ingest)) {
      summary.files++;
      const key = folder.jurisdiction ?? '*';
      summary.byJurisdiction[key] = (summary.byJurisdiction[key] ?? 0) + 1;
      const source = path.join(folder.dir, name);
      const report = await ingest.ingestFile(source, { source: 'inbox', jurisdiction: folder.jurisdiction });
      const ok = report.status === 'loaded';
      const destination = path.join(folder.dir, ok ? 'archive' : 'quarantine');
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
  }
  return summary;
}

/** Files the ingest service can load, in name order (a file still being written ends in .partial and is skipped). */
function filesIn(dir: string, ingest: IngestService): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && ingest.acceptsFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
}
