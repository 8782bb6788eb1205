/**
 * How each kind of figure reads in the report, in a table cell or inline. Machine-readable
 * attributes go with every number (data-count and its geographic level, data-rate), so the
 * suppression can be checked on the output itself; a suppressed figure says "Suppressed" and
 * carries data-suppressed, and in an unsuppressed report a figure the public version hides is
 * marked ‡ (data-public-suppressed).
 */
import type { CountFigure } from '../model/disclosure.ts';
import type { Share } from '../model/drugs.ts';
import type { ChangeFigure, RateFigure } from '../model/figures.ts';
import type { PlaceLevel } from '../places.ts';
import { formatCount, formatPercent, formatPValue, formatRate, formatSignedPercent } from '../format.ts';
import { el } from './dom.ts';

export const SUPPRESSED = 'Suppressed';
export const PUBLIC_SUPPRESSED_MARK = '‡';
export const UNRELIABLE_MARK = '*';
export const NOT_AVAILABLE = '–';

type Tag = 'td' | 'span';

function suppressed<T extends Tag>(document: Document, tag: T, className: string): HTMLElementTagNameMap[T] {
  return el(document, tag, { class: `${className} suppressed`, 'data-suppressed': 'true' }, SUPPRESSED) as HTMLElementTagNameMap[T];
}

function flags(flagged: boolean): Record<string, string | undefined> {
  return flagged ? { 'data-public-suppressed': 'true' } : {};
}

export function countNode<T extends Tag>(document: Document, tag: T, figure: CountFigure, level: PlaceLevel): HTMLElementTagNameMap[T] {
  if (figure.status === 'suppressed') return suppressed(document, tag, 'num count');
  return el(
    document,
    tag,
    { class: 'num count', 'data-count': figure.value, 'data-level': level, ...flags(figure.flagged) },
    formatCount(figure.value) + (figure.flagged ? PUBLIC_SUPPRESSED_MARK : ''),
  ) as HTMLElementTagNameMap[T];
}

/** "12.3* (9.8–15.1)": the rate, its unreliable mark, and the 95% interval when asked for. */
export function rateNode<T extends Tag>(document: Document, tag: T, figure: RateFigure, options: { interval?: boolean } = {}): HTMLElementTagNameMap[T] {
  if (figure.status === 'suppressed') return suppressed(document, tag, 'num rate');
  if (figure.status === 'unavailable') return el(document, tag, { class: 'num rate unavailable', title: figure.why }, NOT_AVAILABLE) as HTMLElementTagNameMap[T];
  const { rate, lower, upper } = figure.estimate;
  const text =
    formatRate(rate) +
    (figure.reliable ? '' : UNRELIABLE_MARK) +
    (figure.flagged ? PUBLIC_SUPPRESSED_MARK : '') +
    (options.interval ? ` (${formatRate(lower)}–${formatRate(upper)})` : '');
  return el(
    document,
    tag,
    { class: 'num rate', 'data-rate': rate.toFixed(3), 'data-reliability': figure.reliable ? 'reliable' : 'unreliable', ...flags(figure.flagged) },
    text,
  ) as HTMLElementTagNameMap[T];
}

export function shareNode<T extends Tag>(document: Document, tag: T, share: Share): HTMLElementTagNameMap[T] {
  if (share === 'suppressed') return suppressed(document, tag, 'num share');
  if (share === null) return el(document, tag, { class: 'num share' }, NOT_AVAILABLE) as HTMLElementTagNameMap[T];
  return el(document, tag, { class: 'num share', ...flags(share.flagged) }, formatPercent(share.value) + (share.flagged ? PUBLIC_SUPPRESSED_MARK : '')) as HTMLElementTagNameMap[T];
}

/** "+12.3%, significant" / "−4.0%, not significant". */
export function changeText(figure: Extract<ChangeFigure, { status: 'shown' }>): string {
  const { percent, significant, pValue } = figure.change;
  const size = percent === null ? 'from none' : formatSignedPercent(percent);
  const test = significant ? 'statistically significant' : 'not statistically significant';
  return `${size}, ${test}${pValue === null ? '' : ` (p ${pValue < 0.001 ? '' : '= '}${formatPValue(pValue)})`}`;
}

export function changeNode<T extends Tag>(document: Document, tag: T, figure: ChangeFigure): HTMLElementTagNameMap[T] {
  if (figure.status === 'suppressed') return suppressed(document, tag, 'change');
  if (figure.status === 'unavailable') return el(document, tag, { class: 'change unavailable', title: figure.why }, NOT_AVAILABLE) as HTMLElementTagNameMap[T];
  return el(
    document,
    tag,
    {
      class: 'change',
      'data-percent': figure.change.percent === null ? undefined : figure.change.percent.toFixed(3),
      'data-significant': String(figure.change.significant),
      ...flags(figure.flagged),
    },
    changeText(figure) + (figure.flagged ? PUBLIC_SUPPRESSED_MARK : ''),
  ) as HTMLElementTagNameMap[T];
}

/** A plain number that is not a count (an expected value, a p-value). */
export function valueNode<T extends Tag>(document: Document, tag: T, value: number | null, format: (n: number) => string): HTMLElementTagNameMap[T] {
  return el(document, tag, { class: 'num' }, value === null ? NOT_AVAILABLE : format(value)) as HTMLElementTagNameMap[T];
}
