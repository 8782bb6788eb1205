// A chart container's visible state and its test hooks:
//   data-state = loading | ready | empty | error | unavailable
//   data-rows, data-total (set only when ready: rows drawn and the sum of counts shown)
// "unavailable": the server does not offer this yet (a route or parameter another part of vigil is
// still building); the panel says so instead of failing.

export type PanelState = 'loading' | 'ready' | 'empty' | 'error' | 'unavailable';

/**
 * How long a panel loads before its chart is dimmed (data-slow). Most loads are shorter: dimmed at
 * once, the browser repainted the whole county map to dim it (a 40 ms task of pre-paint, paint and
 * layerising in Chromium on the 2-core benchmark machine, while the server on the same cores
 * built the answer) and again to undim it, for a fade nobody saw. Interfaces that answer within a
 * few hundred milliseconds commonly show no busy state at all for that reason.
 */
export const DIM_AFTER_MS = 400;

export class Panel {
  readonly chart: HTMLElement;
  private readonly caption: HTMLElement | null;
  private readonly status: HTMLElement;
  /** The chart's width as last laid out; null until known. */
  private measured: number | null = null;
  private dimTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly element: HTMLElement) {
    this.chart = part(element, 'chart');
    this.caption = element.querySelector<HTMLElement>('[data-role="caption"]');
    this.status = part(element, 'status');
    // Reading clientWidth after a big chart went in forces a layout of the whole page (hundreds of
    // milliseconds with a county map): the width is kept from the browser's own layout instead.
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver((entries) => {
        const width = entries[0]?.contentRect.width ?? 0;
        if (width > 0) this.measured = width;
      }).observe(this.chart);
    }
  }

  static of(document: Document, id: string): Panel {
    const element = document.getElementById(id);
    if (!element) throw new Error(`the page has no #${id}`);
    return new Panel(element);
  }

  loading(): void {
    this.set('loading', 'Loading…');
  }

  ready(content: Node, caption: string, hooks: { rows: number; total: number }): void {
    // A chart updated in place (the recoloured map) stays: taken out and put back, the browser
    // would restyle all of it.
    if (this.chart.childNodes.length !== 1 || this.chart.firstChild !== content) this.chart.replaceChildren(content);
    this.setCaption(caption);
    this.set('ready', '');
    this.element.dataset['rows'] = String(hooks.rows);
    this.element.dataset['total'] = String(hooks.total);
  }

  empty(caption: string, message: string): void {
    this.chart.replaceChildren();
    this.setCaption(caption);
    this.set('empty', message);
  }

  unavailable(message: string): void {
    this.chart.replaceChildren();
    this.setCaption('');
    this.set('unavailable', message);
  }

  error(message: string): void {
    this.chart.replaceChildren();
    this.set('error', message);
  }

  get state(): PanelState {
    return (this.element.dataset['state'] ?? 'loading') as PanelState;
  }

  get hidden(): boolean {
    return this.element.hidden;
  }

  set hidden(hidden: boolean) {
    this.element.hidden = hidden;
  }

  get width(): number {
    // Read once when first needed (or while hidden until now); then from the observer. Unrounded,
    // as the observer reports it: clientWidth rounds (695.6 → 696 where the observer's 695.6 gives
    // 695), and the next draw at another width could not recolour the map in place.
    if (!this.measured) this.measured = this.chart.getBoundingClientRect().width || this.element.clientWidth - 32;
    return Math.max(280, Math.floor(this.measured));
  }

  setTitle(text: string): void {
    const heading = this.element.querySelector('h2');
    if (heading) heading.textContent = text;
  }

  private setCaption(text: string): void {
    if (this.caption) this.caption.textContent = text;
  }

  private set(state: PanelState, status: string): void {
    if (this.dimTimer !== null) clearTimeout(this.dimTimer);
    this.dimTimer = null;
    if (state === 'loading') {
      if (this.element.dataset['state'] !== 'loading') delete this.element.dataset['slow'];
      this.dimTimer = setTimeout(() => {
        this.dimTimer = null;
        this.element.dataset['slow'] = '';
      }, DIM_AFTER_MS);
    } else delete this.element.dataset['slow'];
    this.element.dataset['state'] = state;
    this.element.setAttribute('aria-busy', String(state === 'loading'));
    if (state !== 'ready') {
      delete this.element.dataset['rows'];
      delete this.element.dataset['total'];
    }
    this.status.textContent = status;
  }
}

function part(element: HTMLElement, role: string): HTMLElement {
  const found = element.querySelector<HTMLElement>(`[data-role="${role}"]`);
  if (!found) throw new Error(`#${element.id} has no [data-role="${role}"]`);
  return found;
}
