// A report for one place and period, as the preview shows it and as it downloads: every measure's
// count and rate over the period, month by month, with suppression and reliability flags and the
// methods notes. Pure functions: the model from rows, then CSV and a standalone HTML document.
import type { AggregateRow } from './api/aggregates.ts';
import { formatCount, formatPeriod, formatRate, formatTimestamp } from './format.ts';
import { monthsBetween } from './filters.ts';

export interface ReportMeasure {
  key: string;
  label: string;
  /** The period as one row (unit=total); null when the place had none. */
  total: AggregateRow | null;
  /** One row per month of the period; a month without a row had 0. */
  months: Map<string, AggregateRow>;
  /** Why this measure could not be loaded, or null. */
  error: string | null;
}

export interface ReportModel {
  place: string;
  placeLabel: string;
  from: string;
  to: string;
  dataAsOf: string | null;
  synthetic: boolean;
  generatedAt: string;
  measures: ReportMeasure[];
}

export const METHODS_NOTES = [
  'Deaths by county of residence, counted under each drug class they involve (multiple-cause T-codes of ICD-10); drug overdose deaths have an underlying cause of X40-X44, X60-X64, X85 or Y10-Y14.',
  'Rates are per 100,000 population (Census estimates of the period’s latest year), over the whole period, not annualised.',
  'Below the national level, counts of 1-9 are suppressed, with the rates built on them, and further cells where a small count could be worked out from totals (NCHS). Rates from fewer than 20 deaths are flagged unreliable.',
  'Provisional data: recent months are incomplete while investigations are pending.',
];

export function cellCount(row: AggregateRow | null | undefined): string {
  if (row?.suppressed) return 'suppressed';
  return formatCount(row?.count ?? 0);
}

export function cellRate(row: AggregateRow | null | undefined): string {
  if (row?.suppressed) return 'suppressed';
  if (!row || row.ratePer100k === null) return '—';
  const ci = row.rateLower !== null && row.rateUpper !== null ? ` (${formatRate(row.rateLower)}–${formatRate(row.rateUpper)})` : '';
  return `${formatRate(row.ratePer100k)}${ci}${row.unreliable ? '*' : ''}`;
}

const CSV_HEADER = ['place', 'place_name', 'measure', 'measure_label', 'period', 'count', 'population', 'rate_per_100k', 'rate_lower', 'rate_upper', 'suppressed', 'unreliable'];

function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per measure for the whole period ("from/to"), then one per measure and month. */
export function reportCsv(model: ReportModel): string {
  const lines = [CSV_HEADER.join(',')];
  const line = (m: ReportMeasure, period: string, row: AggregateRow | null) =>
    [
      model.place,
      model.placeLabel,
      m.key,
      m.label,
      period,
      row?.suppressed ? null : (row?.count ?? 0),
      row?.population ?? null,
      row?.ratePer100k ?? null,
      row?.rateLower ?? null,
      row?.rateUpper ?? null,
      row?.suppressed ?? false,
      row ? row.unreliable : true,
    ]
      .map(csvField)
      .join(',');
  for (const m of model.measures) if (!m.error) lines.push(line(m, `${model.from}/${model.to}`, m.total));
  for (const month of monthsBetween(model.from, model.to)) {
    for (const m of model.measures) if (!m.error) lines.push(line(m, month, m.months.get(month) ?? null));
  }
  return lines.join('\r\n') + '\r\n';
}

export function reportTitle(model: ReportModel): string {
  return `Drug overdose deaths, ${model.placeLabel}, ${formatPeriod(model.from, model.to)}`;
}

export function reportFileName(model: ReportModel, extension: string): string {
  return `vigil-${model.place}-${model.from}-${model.to}.${extension}`;
}

export function reportSubtitle(model: ReportModel): string {
  return [
    model.dataAsOf ? `Data as of ${formatTimestamp(model.dataAsOf)}` : null,
    `generated ${formatTimestamp(model.generatedAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A self-contained HTML file: the preview's content with its own print-friendly styles. */
export function reportHtml(model: ReportModel, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(reportTitle(model))}</title>
<style>
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2328;margin:2rem;max-width:60rem}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;padding:.2rem .75rem .2rem 0;border-bottom:1px solid #d0d7de;font-variant-numeric:tabular-nums}
td.num,th.num{text-align:right}.subtitle,.legend-note,figcaption{color:#57606a;font-size:.9rem}
.synthetic{color:#cf222e;font-weight:600}svg{max-width:100%;height:auto}
</style></head><body>
${body}
</body></html>
`;
}

