// The filter form: fill its options, show a Filters value, read one back, and show only the
// fields the current page uses (each field's data-for lists its pages).
import type { Measure } from './api/meta.ts';
import type { Filters, SeriesUnit, ValueKind } from './filters.ts';
import { formatMonth } from './format.ts';
import type { SourceChoice } from './measures.ts';
import { NATION, STATES, placeName, stateOf } from './places.ts';
import type { ViewName } from './route.ts';

export class Controls {
  private readonly form: HTMLFormElement;
  private readonly source: HTMLSelectElement;
  private readonly measure: HTMLSelectElement;
  private readonly state: HTMLSelectElement;
  private readonly county: HTMLSelectElement;
  private readonly from: HTMLSelectElement;
  private readonly to: HTMLSelectElement;
  private readonly unit: HTMLSelectElement;
  private readonly adjusted: HTMLInputElement;
  private countiesOf: (state: string) => [string, string][] = () => [];

  constructor(document: Document) {
    this.form = byId(document, 'filters', HTMLFormElement);
    this.source = byId(document, 'source', HTMLSelectElement);
    this.measure = byId(document, 'measure', HTMLSelectElement);
    this.state = byId(document, 'state', HTMLSelectElement);
    this.county = byId(document, 'county', HTMLSelectElement);
    this.from = byId(document, 'from', HTMLSelectElement);
    this.to = byId(document, 'to', HTMLSelectElement);
    this.unit = byId(document, 'unit', HTMLSelectElement);
    this.adjusted = byId(document, 'adjusted', HTMLInputElement);
  }

  setOptions(measures: readonly Measure[], months: readonly string[]): void {
    this.measure.replaceChildren(...measures.map((m) => new Option(m.label, m.key)));
    for (const select of [this.from, this.to]) {
      select.replaceChildren(...months.map((month) => new Option(formatMonth(month), month)));
    }
    this.state.replaceChildren(new Option('All states (United States)', NATION), ...STATES.map((fips) => new Option(placeName(fips), fips)));
  }

  /** County names arrive with the map; until then the county list is empty. */
  setCounties(countiesOf: (state: string) => [string, string][]): void {
    this.countiesOf = countiesOf;
    this.fillCounties(this.state.value, this.county.value);
  }

  enable(enabled: boolean): void {
    for (const element of Array.from(this.form.elements)) {
      (element as HTMLInputElement | HTMLSelectElement | HTMLButtonElement).disabled = !enabled;
    }
    if (enabled) this.syncDisabled();
  }

  /** Shows the fields `view` uses; hides the form on pages that use none. */
  showFor(view: ViewName | 'forbidden'): void {
    let any = false;
    for (const field of Array.from(this.form.querySelectorAll<HTMLElement>('[data-for]'))) {
      const used = (field.dataset['for'] ?? '').split(' ').includes(view);
      field.hidden = !used;
      any ||= used;
    }
    this.form.hidden = !any;
  }

  show(filters: Filters): void {
    this.source.value = filters.source;
    this.measure.value = filters.measure;
    const state = stateOf(filters.geo) ?? NATION;
    this.state.value = state;
    this.fillCounties(state, filters.geo.length === 5 ? filters.geo : '');
    this.from.value = filters.from;
    this.to.value = filters.to;
    this.unit.value = filters.unit;
    for (const radio of this.radios()) radio.checked = radio.value === filters.value;
    this.adjusted.checked = filters.adjusted;
    this.syncDisabled();
  }

  read(): Filters {
    const checked = this.radios().find((radio) => radio.checked);
    const geo = this.county.value || this.state.value || NATION;
    return {
      source: this.source.value as SourceChoice,
      measure: this.measure.value,
      geo,
      from: this.from.value,
      to: this.to.value,
      unit: this.unit.value as SeriesUnit,
      value: (checked?.value ?? 'count') as ValueKind,
      adjusted: this.adjusted.checked,
    };
  }

  /**
   * Calls back with the new filters on every change. A "from" after "to" (or the reverse) moves
   * the other end to meet it, so the form never holds an empty period; a new state clears the county.
   */
  onChange(callback: (filters: Filters) => void): void {
    this.form.addEventListener('change', (event) => {
      if (event.target === this.state) this.fillCounties(this.state.value, '');
      const filters = this.read();
      if (filters.from > filters.to) {
        if (event.target === this.from) filters.to = filters.from;
        else filters.from = filters.to;
        this.show(filters);
      }
      this.syncDisabled();
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

  private fillCounties(state: string, selected: string): void {
    const counties = state === NATION ? [] : this.countiesOf(state);
    const placeholder = state === NATION ? 'Choose a state first' : `All of ${placeName(state)}`;
    this.county.replaceChildren(new Option(placeholder, ''), ...counties.map(([fips, name]) => new Option(name, fips)));
    // A county the map does not know (newer than 2017) stays selectable from a link.
    if (selected && !counties.some(([fips]) => fips === selected)) this.county.append(new Option(`County ${selected}`, selected));
    this.county.value = selected;
  }

  /** Age adjustment applies to rates only; counties need a state. */
  private syncDisabled(): void {
    if (this.state.disabled) return;
    const rate = this.radios().find((r) => r.checked)?.value === 'rate';
    this.adjusted.disabled = !rate;
    this.county.disabled = this.state.value === NATION;
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
