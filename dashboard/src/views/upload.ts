// Upload: drop a batch (or choose it), watch it go up and load, then read its per-record report;
// every rejected record can be downloaded as CSV to fix at the source.
import { fetchErrorsCsv, uploadBatch, type BatchReport, type UploadEvent } from '../api/batches.ts';
import { messageOf } from '../api/http.ts';
import { batchReport } from '../charts/batch-report.ts';
import type { AppContext, View } from '../context.ts';
import { download } from '../download.ts';
import { formatBytes, formatCount } from '../format.ts';
import { Panel } from '../panel.ts';
import type { Route } from '../route.ts';

export class UploadView implements View {
  private readonly panel: Panel;
  private readonly zone: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly progress: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly phase: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly errorsButton: HTMLButtonElement;
  private readonly jurisdiction: HTMLSelectElement;
  private busy = false;
  private last: BatchReport | null = null;

  constructor(private readonly ctx: AppContext, private readonly onLoaded: () => void) {
    const { document } = ctx;
    this.panel = Panel.of(document, 'upload');
    this.zone = document.getElementById('drop-zone')!;
    this.input = document.getElementById('upload-file') as HTMLInputElement;
    this.progress = document.getElementById('upload-progress')!;
    this.bar = document.getElementById('upload-bar') as HTMLProgressElement;
    this.phase = document.getElementById('upload-phase')!;
    this.detail = document.getElementById('upload-detail')!;
    this.errorsButton = document.getElementById('upload-errors') as HTMLButtonElement;
    this.jurisdiction = document.getElementById('upload-jurisdiction') as HTMLSelectElement;
    // A token for several jurisdictions names the batch's; a token for one (or an admin's) need not.
    const jurisdictions = ctx.session.jurisdictions ?? [];
    this.jurisdiction.replaceChildren(...jurisdictions.map((j) => new Option(j, j)));
    (document.getElementById('upload-jurisdiction-field') as HTMLElement).hidden = jurisdictions.length < 2;
    this.panel.empty('', 'Choose or drop a file to upload it.');

    this.input.addEventListener('change', () => {
      const file = this.input.files?.[0];
      if (file) void this.upload(file);
    });
    // Dragging over the zone shows it will take the file; the page elsewhere ignores drops.
    for (const type of ['dragenter', 'dragover'] as const) {
      this.zone.addEventListener(type, (event) => {
        event.preventDefault();
        this.zone.dataset['active'] = 'true';
      });
    }
    for (const type of ['dragleave', 'drop'] as const) {
      this.zone.addEventListener(type, () => {
        this.zone.dataset['active'] = 'false';
      });
    }
    this.zone.addEventListener('drop', (event) => {
      event.preventDefault();
      const files = event.dataTransfer?.files;
      if (!files || files.length === 0) return;
      if (files.length > 1) {
        this.panel.error('Drop one file at a time: each file is one batch with its own report.');
        return;
      }
      void this.upload(files[0]!);
    });
    this.errorsButton.addEventListener('click', () => {
      if (!this.last) return;
      const batchId = this.last.batchId;
      fetchErrorsCsv(ctx.http, batchId).then(
        (blob) => download(document, blob, `${batchId}-errors.csv`),
        (error: unknown) => ctx.showError('Could not download the record errors.', error, () => this.errorsButton.click()),
      );
    });
  }

  show(_route: Route): void {}

  redraw(): void {}

  private async upload(file: File): Promise<void> {
    if (this.busy) {
      this.detail.textContent = 'One upload at a time: wait for this one to finish.';
      return;
    }
    this.busy = true;
    this.errorsButton.hidden = true;
    this.progress.hidden = false;
    this.panel.loading();
    this.showStep({ phase: 'sending', sent: 0, total: file.size });
    try {
      const jurisdictions = this.ctx.session.jurisdictions ?? [];
      const jurisdiction = jurisdictions.length > 1 ? this.jurisdiction.value : null;
      const report = await uploadBatch(this.ctx.http, file, jurisdiction, (event) => this.showStep(event));
      this.last = report;
      this.progress.hidden = true;
      this.panel.ready(batchReport(report), report.batchId ? `Batch ${report.batchId}` : '', { rows: report.recordsRead, total: report.recordsLoaded });
      this.errorsButton.hidden = report.errorsTotal === 0;
      if (report.recordsLoaded > 0) this.onLoaded();
    } catch (error) {
      this.progress.hidden = true;
      this.panel.error(`${file.name}: ${messageOf(error)}`);
    } finally {
      this.busy = false;
      this.input.value = '';
    }
  }

  /** Shows one step of the upload in the progress bar and its words. */
  private showStep(event: UploadEvent): void {
    this.progress.dataset['phase'] = event.phase;
    if (event.phase === 'sending') {
      this.phase.textContent = 'Sending the file…';
      this.bar.max = Math.max(1, event.total);
      this.bar.value = event.sent;
      this.detail.textContent = `${formatBytes(event.sent)} of ${formatBytes(event.total)} sent`;
      return;
    }
    const p = event.report.progress;
    if (event.phase === 'done') {
      this.phase.textContent = 'Finished.';
      this.bar.max = 1;
      this.bar.value = 1;
      this.detail.textContent = `${formatCount(event.report.recordsRead)} records read`;
      return;
    }
    this.phase.textContent = 'Checking and coding the records…';
    if (p && p.bytes > 0) {
      this.bar.max = p.bytes;
      this.bar.value = p.bytesRead;
      this.detail.textContent =
        `${formatCount(p.recordsRead)} records read` +
        (p.recordsPerSecond ? `, ${formatCount(p.recordsPerSecond)} a second` : '') +
        (p.etaSeconds !== null ? `, about ${Math.max(1, Math.round(p.etaSeconds))} s left` : '');
    } else {
      this.bar.removeAttribute('value'); // indeterminate: the server has not said how far it is
      this.detail.textContent = 'Waiting for the server to start loading…';
    }
  }
}
