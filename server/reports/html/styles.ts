/**
 * The report's one stylesheet, inlined (helmet's Content-Security-Policy allows inline styles and
 * nothing external is fetched). Screen: a readable column. Print: US Letter, sections that start
 * a page where a reader expects one, figures and table rows never split, table headers repeated,
 * and the release marking at the foot of every page.
 */
export const REPORT_CSS = `
:root { --ink: #1a1a1a; --muted: #555; --rule: #ccc; --accent: #b10026; --marking: #b00020; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 800px; padding: 24px 16px 48px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 2px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.meta { color: var(--muted); }
.release-marking { font-weight: bold; padding: 6px 10px; border: 2px solid; margin: 0 0 8px; }
.release-marking.public { color: var(--ink); border-color: var(--rule); font-weight: normal; }
.release-marking.restricted { color: var(--marking); border-color: var(--marking); text-transform: uppercase; letter-spacing: 0.02em; }
.notice { padding: 6px 10px; border-left: 4px solid var(--accent); background: #fbeee6; margin: 8px 0; }
.notice.synthetic { border-color: #6a3d9a; background: #efe8f6; font-weight: bold; }
.key-figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; margin: 8px 0; }
.key-figure { border: 1px solid var(--rule); border-radius: 4px; padding: 8px 10px; break-inside: avoid; }
.key-figure h3 { margin: 0 0 4px; font-size: 13px; color: var(--muted); font-weight: 600; }
.key-figure .headline { font-size: 22px; font-weight: bold; display: block; }
.key-figure .detail { color: var(--muted); font-size: 12px; display: block; }
figure { margin: 12px 0; break-inside: avoid; }
figure svg.report-chart { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; }
table.data { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 12.5px; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
table.data thead th { border-bottom: 2px solid var(--ink); }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.suppressed { color: var(--muted); font-style: italic; }
[data-public-suppressed] { background: #fde8ea; }
.status { font-weight: 600; }
.status-alert::before, .status-warning::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
.status-alert::before { background: #d7191c; }
.status-warning::before { background: #fdae61; }
.footnotes { color: var(--muted); font-size: 12px; }
.methods dt { font-weight: 600; margin-top: 6px; }
.methods dd { margin: 0 0 4px 16px; }
.print-marking { display: none; }
@page { size: letter; margin: 0.6in 0.6in 0.75in; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  .page-break { break-before: page; }
  thead { display: table-header-group; }
  tr, .key-figure, figure { break-inside: avoid; }
  [data-public-suppressed] { background: none; }
  .print-marking { display: block; position: fixed; bottom: 0; left: 0; right: 0; text-align: center; font-size: 9pt; color: var(--muted); }
  .print-marking.restricted { color: var(--marking); font-weight: bold; }
}
`;
