/**
 * When the dashboard's marks (dashboard/src: vigil:map-drawn, vigil:map-interactive,
 * vigil:overview-drawn) reach the screen, for the browser benchmarks (dashboard.ts, dashboard-ab.ts).
 */
import type { Page } from 'playwright-core';

/**
 * In the page, before its script (an init script): each vigil mark is followed, from the moment
 * it is made, to the frame after it: a task queued from that frame's callbacks runs once the frame
 * is painted, and its time is kept (globalThis.__vigilPainted[mark], the first of each name).
 * Watching for the mark from outside (an observer, then two frames) was late by whatever ran
 * before the observer was told: since the map's county paths come a frame after the map
 * (county-map.ts: addCountyPaths), that was their work too.
 */
export function paintedProbe(): void {
  const painted: Record<string, number> = ((globalThis as unknown as { __vigilPainted: Record<string, number> }).__vigilPainted = {});
  const mark = performance.mark.bind(performance);
  performance.mark = (name: string, options?: PerformanceMarkOptions) => {
    const entry = mark(name, options);
    if (name.startsWith('vigil:') && !(name in painted)) requestAnimationFrame(() => setTimeout(() => (painted[name] ??= performance.now())));
    return entry;
  };
}

/**
 * The time (since navigation start) the frame after the page's first `name` mark was painted
 * (paintedProbe); with `giveUpMs`, null when the mark has not come that long after `after`'s.
 */
export function markPainted(page: Page, name: string): Promise<number>;
export function markPainted(page: Page, name: string, giveUp: { after: string; ms: number }): Promise<number | null>;
export function markPainted(page: Page, name: string, giveUp?: { after: string; ms: number }): Promise<number | null> {
  return page.evaluate(
    ([mark, limit]) =>
      new Promise<number | null>((done) => {
        const painted = (globalThis as unknown as { __vigilPainted: Record<string, number> }).__vigilPainted;
        const check = () => {
          const at = painted[mark];
          const since = limit ? painted[limit.after] : undefined;
          if (at !== undefined) done(at);
          else if (limit && since !== undefined && performance.now() - since > limit.ms) done(null);
          else setTimeout(check, 10);
        };
        check();
      }),
    [name, giveUp ?? null] as const,
  );
}
