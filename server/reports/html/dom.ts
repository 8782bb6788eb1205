/**
 * Building the report's HTML with the DOM (linkedom), never by pasting strings: every text goes in
 * as textContent, so a place or measure name can never become markup.
 */

export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** A table with a caption, column headers (scope=col) and rows of cells. */
export function table(document: Document, options: { className: string; caption?: string; headers: string[]; rows: HTMLTableRowElement[] }): HTMLTableElement {
  const head = el(document, 'thead', {}, el(document, 'tr', {}, ...options.headers.map((h) => el(document, 'th', { scope: 'col' }, h))));
  return el(
    document,
    'table',
    { class: `data ${options.className}` },
    options.caption ? el(document, 'caption', {}, options.caption) : null,
    head,
    el(document, 'tbody', {}, ...options.rows),
  );
}

export function row(document: Document, key: string, header: string, cells: HTMLTableCellElement[]): HTMLTableRowElement {
  return el(document, 'tr', { 'data-key': key }, el(document, 'th', { scope: 'row' }, header), ...cells);
}
