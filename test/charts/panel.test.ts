// The panel's states (dashboard/src/panel.ts): a loading panel keeps its chart as it is, and dims
// it only when the load is slow, so a quick filter change does not repaint the county map twice.
import { parseHTML } from 'linkedom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIM_AFTER_MS, Panel } from '../../dashboard/src/panel.ts';

function panel(): Panel {
  const { document } = parseHTML(
    '<section id="p" data-state="loading"><h2>Map</h2><p data-role="caption"></p><p data-role="status"></p><div data-role="chart"></div></section>',
  );
  return Panel.of(document as unknown as Document, 'p');
}

describe('Panel loading states', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is busy at once and dimmed (data-slow) only after DIM_AFTER_MS', () => {
    const p = panel();
    p.loading();
    expect(p.state).toBe('loading');
    expect(p.element.getAttribute('aria-busy')).toBe('true');
    expect(p.element.hasAttribute('data-slow')).toBe(false);
    vi.advanceTimersByTime(DIM_AFTER_MS - 1);
    expect(p.element.hasAttribute('data-slow')).toBe(false);
    vi.advanceTimersByTime(1);
    expect(p.element.hasAttribute('data-slow')).toBe(true);
  });

  it('a load that ends before the delay is never dimmed, and a finished slow load is undimmed', () => {
    const p = panel();
    const chart = p.element.ownerDocument.createElement('svg');
    p.loading();
    vi.advanceTimersByTime(DIM_AFTER_MS / 2);
    p.ready(chart, 'caption', { rows: 1, total: 1 });
    vi.advanceTimersByTime(DIM_AFTER_MS * 2);
    expect(p.element.hasAttribute('data-slow')).toBe(false);
    expect(p.state).toBe('ready');

    p.loading();
    vi.advanceTimersByTime(DIM_AFTER_MS);
    expect(p.element.hasAttribute('data-slow')).toBe(true);
    p.error('failed');
    expect(p.element.hasAttribute('data-slow')).toBe(false);
    vi.advanceTimersByTime(DIM_AFTER_MS * 2);
    expect(p.element.hasAttribute('data-slow')).toBe(false);
  });

  it('a second load while slow stays dimmed', () => {
    const p = panel();
    p.loading();
    vi.advanceTimersByTime(DIM_AFTER_MS);
    p.loading();
    expect(p.element.hasAttribute('data-slow')).toBe(true);
  });
});
