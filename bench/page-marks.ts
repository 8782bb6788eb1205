/**
 * The browser benchmarks' Chromium and cold tabs (dashboard.ts, dashboard-ab.ts), and when the
 * dashboard's marks (dashboard/src: vigil:map-drawn, vigil:map-interactive, vigil:overview-drawn)
 * reach the screen.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, without the background work that would share the 2 cores. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A cold tab: its own browser context (no HTTP cache), signed in with `token` when given, the probe below in place. */
export async function coldPage(browser: Browser, token: string | null): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // tsx compiles the benchmarks keeping function names (esbuild keepNames): the functions passed
  // to page.evaluate call its __name helper, which the page must have.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  if (token) await context.addInitScript((t) => sessionStorage.setItem('vigil.token', t), token);
  await context.addInitScript(paintedProbe);
  return context.newPage();
}

/**
 * In the page, before its script (an init script): each vigil mark is followed, from the moment
 * it is made, to the frame after it: a task queued from that frame's callbacks runs once the frame
 * is painted, and its time is kept (globalThis.__vigilPainted[mark], the first of each name).
 * Watching for the mark from outside (an observer, then two frames) was late by whatever ran
 * before the observer was told: since the map's county paths come a frame after the map
 * (county-map.ts: addCountyPaths), that was their work too.
 */
export function paintedProbe(): void {
  const page = globalThis as unknown as PageProbe;
  const painted: Record<string, number> = (page.__vigilPainted = {});
  // Also for the benchmarks' own timings in the page (dashboard.ts: a filter change).
  const afterPaint = (page.__vigilAfterPaint = (then: () => void) => void requestAnimationFrame(() => setTimeout(then)));
  const mark = performance.mark.bind(performance);
  performance.mark = (name: string, options?: PerformanceMarkOptions) => {
    const entry = mark(name, options);
    if (name.startsWith('vigil:') && !(name in painted)) afterPaint(() => (painted[name] ??= performance.now()));
    return entry;
  };
}

/** What paintedProbe puts in the page. */
export interface PageProbe {
  __vigilPainted: Record<string, number>;
  /** Calls `then` once the next frame is painted: a task queued from that frame's callbacks. */
  __vigilAfterPaint: (then: () => void) => void;
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
        const painted = (globalThis as unknown as PageProbe).__vigilPainted;
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
