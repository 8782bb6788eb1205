// A chart container's visible state and its test hooks:
//   data-state = loading | ready | empty | error
//   data-rows, data-total (set only when ready: rows drawn and the sum of deaths shown)

export type PanelState = 'loading' | 'ready' | 'empty' | 'error';

export class Panel {
  readonly chart: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly status: HTMLElement;

  constructor(readonly element: HTMLElement) {
    this.chart = part(element, 'chart');
    this.caption = part(element, 'caption');
    this.status = part(element, 'status');
  }

  loading(): void {
    this.set('loading', 'Loading…');
  }

  ready(content: HTMLElement, caption: string, hooks: { rows: number; total: number }): void {
    this.chart.replaceChildren(content);
    this.caption.textContent = caption;
    this.set('ready', '');
    this.element.dataset['rows'] = String(hooks.rows);
    this.element.dataset['total'] = String(hooks.total);
  }

  empty(caption: string, message = 'No deaths match these filters. Try another measure or a longer period.'): void {
    this.chart.replaceChildren();
    this.caption.textContent = caption;
    this.set('empty', message);
  }

  error(message: string): void {
    this.chart.replaceChildren();
    this.set('error', message);
  }

  get width(): number {
    return Math.max(280, Math.floor(this.chart.clientWidth || this.element.clientWidth - 32));
  }

  private set(state: PanelState, status: string): void {
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
