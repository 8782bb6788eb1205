// The filter form: fill its options from /api/meta, show a Filters value, read one back.
import type { Measure } from './api.ts';
import type { Filters, ValueKind } from './filters.ts';
import { formatMonth } from './format.ts';

export class Controls {
  private readonly form: HTMLFormElement;
  private readonly measure: HTMLSelectElement;
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;

  constructor(document: Document) {
    this.form = byId(document, 'filters', HTMLFormElement);
    this.measure = byId(document, 'measure', HTMLSelectElement);
    this.from = byId(document, 'from', HTMLSelectElement);
    this.to = byId(document, 'to', HTMLSelectElement);
  }

  setOptions(measures: readonly Measure[], months: readonly string[]): void {
    this.measure.replaceChildren(...measures.map((m) => new Option(m.label, m.key)));
    for (const select of [this.from, this.to]) {
      select.replaceChildren(...months.map((month) => new Option(formatMonth(month), month)));
    }
  }

  enable(enabled: boolean): void {
    for (const element of Array.from(this.form.elements)) {
      (element as HTMLInputElement | HTMLSelectElement | HTMLButtonElement).disabled = !enabled;
    }
  }

  show(filters: Filters): void {
    this.measure.value = filters.measure;
    this.from.value = filters.from;
    this.to.value = filters.to;
    for (const radio of this.radios()) radio.checked = radio.value === filters.value;
  }

  read(): Filters {
    const checked = this.radios().find((radio) => radio.checked);
    return {
      measure: this.measure.value,
      from: this.from.value,
      to: this.to.value,
      value: (checked?.value ?? 'count') as ValueKind,
    };
  }

  /**
   * Calls back with the new filters on every change. A "from" after "to" (or the reverse) moves
   * the other end to meet it, so the form never holds an empty period.
   */
  onChange(callback: (filters: Filters) => void): void {
    this.form.addEventListener('change', (event) => {
      const filters = this.read();
      if (filters.from > filters.to) {
        if (event.target === this.from) filters.to = filters.from;
        else filters.from = filters.to;
        this.show(filters);
      }
      callback(filters);
    });
    this.form.addEventListener('submit', (event) => event.preventDefault());
  }

  onReset(callback: () => void): void {
    this.form.addEventListener('reset', (event) => {
      event.preventDefault();
      callback();
    });
  }

  private radios(): HTMLInputElement[] {
    return Array.from(this.form.querySelectorAll<HTMLInputElement>('input[name="value"]'));
  }
}

export function byId<T extends HTMLElement>(document: Document, id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id} (${type.name})`);
  return element;
}
