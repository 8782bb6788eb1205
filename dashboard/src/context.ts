// What every page of the dashboard shares: the server, the answers already fetched, the data's
// extent, the map, who is signed in, and how to move to another view. Built once in main.ts and
// passed down; nothing here is global.
import type { AnswerCache } from './cache.ts';
import type { Http } from './api/http.ts';
import type { Meta } from './api/meta.ts';
import type { CountyGeography } from './charts/county-map.ts';
import type { FilterBounds } from './filters.ts';
import type { Route } from './route.ts';
import type { Permissions, Session } from './session.ts';

export interface AppContext {
  document: Document;
  http: Http;
  cache: AnswerCache;
  meta: Meta;
  bounds: FilterBounds;
  /** The county map, loading since the page started. */
  geography: Promise<CountyGeography>;
  session: Session;
  permissions: Permissions;
  /** A death measure's or ED syndrome's display name. */
  measureLabel(key: string): string;
  /** "Baltimore city, Maryland" once the map is in; the code before. */
  countyName(fips: string): string;
  /** Moves to another view (a new history entry unless `replace`). */
  navigate(change: Partial<Route>, options?: { replace?: boolean }): void;
  /** Reports a failure in the banner with a retry. */
  showError(what: string, error: unknown, retry: () => void): void;
  /** Runs a step; a bug in it ends in the error banner, never a page stuck loading. */
  guard(task: () => Promise<void>): void;
}

/** A page of the dashboard. `show` is called on every route change while it is the current page. */
export interface View {
  show(route: Route): void;
  /** Draws again at the new width, without fetching. */
  redraw(): void;
}

/** Draws a chart, or puts the panel in its error state if the chart itself throws. */
export function attempt<T>(onError: (message: string) => void, draw: () => T): T | null {
  try {
    return draw();
  } catch (error) {
    console.error(error);
    onError(`This chart could not be drawn (${error instanceof Error ? error.message : String(error)}). Reload the page; if it persists, tell the vigil operators.`);
    return null;
  }
}
