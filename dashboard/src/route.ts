// The whole view in the URL: which page, its filters and what is selected on it, so a view can be
// shared, bookmarked and reloaded. Pure functions over query strings.
import { parseFilters, writeFilters, type FilterBounds, type Filters } from './filters.ts';

export const VIEWS = ['overview', 'alerts', 'combinations', 'review', 'upload', 'reports'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  filters: Filters;
  /** The alert whose series is open (alerts view): see alertKey. */
  alert: string | null;
  /** The cluster drawn on the alerts view's map. */
  cluster: string | null;
  /** The review item open on the review page. */
  item: string | null;
}

export interface ParsedRoute {
  route: Route;
  corrections: string[];
}

const SELECTION = /^[A-Za-z0-9_.-]{1,200}$/;

export function parseRoute(search: string, bounds: FilterBounds): ParsedRoute {
  const params = new URLSearchParams(search);
  const { filters, corrections } = parseFilters(params, bounds);
  let view: ViewName = 'overview';
  const rawView = params.get('view');
  if (rawView !== null) {
    if ((VIEWS as readonly string[]).includes(rawView)) view = rawView as ViewName;
    else corrections.push(`unknown page "${rawView}" (use ${VIEWS.join(', ')})`);
  }
  const selection = (key: string): string | null => {
    const raw = params.get(key);
    if (raw === null) return null;
    if (SELECTION.test(raw)) return raw;
    corrections.push(`invalid ${key} "${raw.slice(0, 40)}"`);
    return null;
  };
  return { route: { view, filters, alert: selection('alert'), cluster: selection('cluster'), item: selection('item') }, corrections };
}

export function routeToSearch(route: Route): string {
  const params = new URLSearchParams();
  params.set('view', route.view);
  writeFilters(params, route.filters);
  if (route.alert) params.set('alert', route.alert);
  if (route.cluster) params.set('cluster', route.cluster);
  if (route.item) params.set('item', route.item);
  return `?${params.toString()}`;
}
