// Wiring: who is signed in → what data there is → the view the URL names → fetch → draw, again on
// every filter change, link, back and forward.
import { fetchAggregates } from './api/aggregates.ts';
import { Http, messageOf } from './api/http.ts';
import { fetchMeta, fetchSyndromeNames, fetchTopology, type Meta } from './api/meta.ts';
import { AnswerCache } from './cache.ts';
import { countyGeography, type CountyGeography } from './charts/county-map.ts';
import type { AppContext, View } from './context.ts';
import { Controls, byId } from './controls.ts';
import { defaultFilters, monthsBetween, withinPublicGrid, type FilterBounds } from './filters.ts';
import { formatCount, formatPeriod, formatTimestamp } from './format.ts';
import { Panel } from './panel.ts';
import { parseRoute, routeToSearch, VIEWS, type Route, type ViewName } from './route.ts';
import { PUBLIC_SESSION, TokenStore, checkTokenShape, fetchSession, permissionsOf, whoMaySee, type Session } from './session.ts';
import { AlertsView } from './views/alerts.ts';
import { CombinationsView } from './views/combinations.ts';
import { OverviewView } from './views/overview.ts';
import { ReportsView } from './views/reports.ts';
import { ReviewView } from './views/review.ts';
import { UploadView } from './views/upload.ts';

const ROLE_NAMES: Readonly<Record<Session['role'], string>> = { public: 'public', admin: 'admin', uploader: 'uploader', coder: 'coder', epidemiologist: 'epidemiologist' };

async function startDashboard(document: Document): Promise<void> {
  const tokens = new TokenStore(sessionStorage);
  let token = tokens.get();
  // Before anything is awaited: a form submitted natively would put the token in the address.
  wireSignIn(document, tokens);
  const banner = new Banner(document);
  const http = new Http({
    token: () => token,
    onUnauthorized: () => {
      // The token was revoked (or mistyped into storage): sign out, and say so once.
      if (token === null) return;
      token = null;
      tokens.set(null);
      banner.error('Your API token is no longer accepted (it may have been revoked), so you are signed out.', 'Reload', () => location.reload());
    },
  });
  // The map is the largest download: it starts first (index.html preloads it) and is waited for only by the map.
  const geography = fetchTopology().then(countyGeography);
  geography.catch(() => {}); // reported by the map panel
  let counties: CountyGeography | null = null;
  void geography.then((g) => (counties = g), () => {});

  const cache = new AnswerCache();
  prefetchDefaultView(http, cache, location.search);
  const [meta, session] = await Promise.all([
    fetchMeta(http),
    // A stored token the server now rejects signs out (onUnauthorized) and the page goes on as the public.
    token ? fetchSession(http).catch((error: unknown) => (token === null ? PUBLIC_SESSION : Promise.reject(error))) : Promise.resolve(PUBLIC_SESSION),
  ]);
  const permissions = permissionsOf(session.role);
  showAccount(document, session, token !== null, tokens);
  showDataInfo(document, meta);

  const labels = new Map(meta.measures.map((m) => [m.key, m.label]));
  for (const s of meta.syndromes ?? []) labels.set(s.id, `${s.name} (ED)`);
  const controls = new Controls(document);
  const extent = meta.extent;
  if (!extent) {
    noData(document, permissions.views.has('upload'));
    return;
  }
  const measures = meta.measures.map((m) => m.key);
  const bounds: FilterBounds = { measures, defaultMeasure: measures.includes('all_overdose') ? 'all_overdose' : measures[0]!, extent };
  controls.setOptions(meta.measures, monthsBetween(extent.from, extent.to));
  controls.enable(true);
  void geography.then((g) => controls.setCounties((state) => countiesOf(g, state)), () => {});

  let route: Route;
  const views = {} as Record<ViewName, View>;
  /** The route as this reader may have it: the public's days and weeks below the nation by month. */
  const inPublicGrid = (next: Route): Route => {
    const { filters, notice } = withinPublicGrid(next.filters, permissions.unsuppressed);
    if (notice === null) return next;
    banner.notice(notice);
    return { ...next, filters };
  };
  const ctx: AppContext = {
    document,
    http,
    cache,
    meta,
    bounds,
    geography,
    session,
    permissions,
    measureLabel: (key) => labels.get(key) ?? key,
    countyName: (fips) => counties?.labels.get(fips) ?? `county ${fips}`,
    navigate: (change, options = {}) => {
      route = { ...route, ...change };
      route = inPublicGrid(route);
      const search = routeToSearch(route);
      if (search !== location.search) history[options.replace ? 'replaceState' : 'pushState'](null, '', search);
      show(route);
    },
    showError: (what, error, retry) => banner.error(`${what} ${messageOf(error)}`, 'Retry', retry),
    guard: (task) => {
      banner.hideError();
      task().catch((error: unknown) => {
        console.error(error);
        banner.error(`The dashboard hit an unexpected problem. ${messageOf(error)}`, 'Reload', () => location.reload());
      });
    },
  };
  if (session.roleKnown === false) banner.notice('Signed in, but this server cannot tell the dashboard your token’s role yet (it has no /api/session), so you see the public views. Your token is still sent with every request.');
  views.overview = new OverviewView(ctx);
  views.alerts = new AlertsView(ctx);
  views.combinations = new CombinationsView(ctx);
  views.review = new ReviewView(ctx);
  views.upload = new UploadView(ctx, () => {
    // New records change every count: forget the cached answers and the data's extent line.
    cache.clear();
    void fetchMeta(http).then((fresh) => showDataInfo(document, fresh), () => {});
  });
  views.reports = new ReportsView(ctx);
  // ED syndrome names label ED series and alerts. An older server lists them only in
  // /api/syndromes: then they arrive after the first draw and redraw it.
  if (meta.syndromes === null) {
    void fetchSyndromeNames(http).then(
      (names) => {
        for (const [id, name] of names) labels.set(id, name);
        views[route.view]?.redraw();
      },
      () => {},
    );
  }

  function show(next: Route): void {
    route = next;
    const allowed = permissions.views.has(next.view);
    for (const section of Array.from(document.querySelectorAll<HTMLElement>('section.view'))) {
      section.hidden = section.dataset['view'] !== (allowed ? next.view : 'forbidden');
    }
    updateNav(document, next, permissions.views);
    controls.showFor(allowed ? next.view : 'forbidden');
    controls.show(next.filters);
    document.title = `${pageTitle(next.view)} · vigil`;
    if (!allowed) {
      byId(document, 'forbidden-message', HTMLElement).textContent = `The ${pageTitle(next.view)} page needs ${whoMaySee(next.view)}. Sign in with one above${token ? '; your token’s role does not include it' : ''}.`;
      return;
    }
    views[next.view].show(next);
  }

  controls.onChange((filters) => ctx.navigate({ filters }));
  controls.onReset(() => {
    banner.notice('');
    ctx.navigate({ filters: defaultFilters(bounds) });
  });
  addEventListener('popstate', () => show(inPublicGrid(parseRoute(location.search, bounds).route)));
  redrawOnResize(document, () => views[route.view].redraw());

  const parsed = parseRoute(location.search, bounds);
  if (parsed.corrections.length) banner.notice(`This link had ${parsed.corrections.join('; ')}. Showing the nearest valid view.`);
  route = inPublicGrid(parsed.route);
  // The address always names the whole view, so it can be copied and shared as it is.
  if (routeToSearch(route) !== location.search) history.replaceState(null, '', routeToSearch(route));
  show(route);
}

/**
 * The view most people open (the overview with its default filters) needs two aggregates whose
 * requests do not depend on /api/meta: start them with the page, into the cache the view reads.
 */
function prefetchDefaultView(http: Http, cache: AnswerCache, search: string): void {
  const params = new URLSearchParams(search);
  if ((params.get('view') ?? 'overview') !== 'overview') return;
  if (['source', 'measure', 'from', 'to', 'unit'].some((key) => params.has(key))) return;
  const base = { source: 'deaths', measure: 'all_overdose', from: '', to: '', wholeExtent: true } as const;
  for (const query of [{ ...base, geography: 'county', unit: 'total' }, { ...base, geography: 'nation', unit: 'month' }] as const) {
    fetchAggregates(http, cache, query).catch(() => {}); // a failure is reported when the view asks again
  }
}

function pageTitle(view: ViewName): string {
  return { overview: 'Overview', alerts: 'Alerts & clusters', combinations: 'Drug combinations', review: 'Review queue', upload: 'Upload', reports: 'Reports' }[view] ?? view;
}

/** Page links keep the current filters, so moving between pages keeps the place and period. */
function updateNav(document: Document, route: Route, allowed: ReadonlySet<ViewName>): void {
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('nav.pages a[data-nav]'))) {
    const view = link.dataset['nav'] as ViewName;
    if (!VIEWS.includes(view)) continue;
    link.hidden = !allowed.has(view);
    link.href = routeToSearch({ view, filters: route.filters, alert: null, cluster: null, item: null });
    if (view === route.view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function countiesOf(geography: CountyGeography, state: string): [string, string][] {
  return geography.counties
    .filter((c) => c.id.startsWith(state))
    .map((c): [string, string] => [c.id, c.name])
    .sort((a, b) => a[1].localeCompare(b[1]));
}

function showDataInfo(document: Document, meta: Meta): void {
  const { extent } = meta;
  byId(document, 'data-info', HTMLElement).textContent = [
    extent ? `Data: ${formatPeriod(extent.from, extent.to)}` : 'No data loaded yet',
    meta.dataAsOf ? `data as of ${formatTimestamp(meta.dataAsOf)}` : null,
    meta.certificates !== null ? `${formatCount(meta.certificates)} certificates` : null,
    meta.synthetic ? 'synthetic demo data, not real deaths' : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Shows who is signed in (or the sign-in form), and signs out. */
function showAccount(document: Document, session: Session, hasToken: boolean, tokens: TokenStore): void {
  const form = byId(document, 'sign-in', HTMLFormElement);
  const signedIn = byId(document, 'signed-in', HTMLElement);
  form.hidden = hasToken;
  signedIn.hidden = !hasToken;
  byId(document, 'signed-in-as', HTMLElement).textContent = hasToken
    ? `Signed in${session.name ? ` as ${session.name}` : ''} (${session.roleKnown ? ROLE_NAMES[session.role] : 'role unknown'})`
    : '';
  signedIn.dataset['role'] = session.role;
  byId(document, 'sign-out', HTMLButtonElement).addEventListener('click', () => {
    tokens.set(null);
    location.reload();
  });
}

/** The sign-in form: the token is tried against /api/session before it is kept, then the page reloads as that role. */
function wireSignIn(document: Document, tokens: TokenStore): void {
  const form = byId(document, 'sign-in', HTMLFormElement);
  const input = byId(document, 'token', HTMLInputElement);
  const status = document.createElement('p');
  status.className = 'sign-in-status';
  status.setAttribute('role', 'status');
  form.append(status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const candidate = input.value.trim();
    const problem = checkTokenShape(candidate);
    if (problem) {
      status.textContent = problem;
      return;
    }
    status.textContent = 'Checking the token…';
    // A rejected token never reaches storage.
    const trial = new Http({ token: () => candidate });
    fetchSession(trial).then(
      () => {
        tokens.set(candidate);
        location.reload();
      },
      (error: unknown) => {
        status.textContent = messageOf(error);
      },
    );
  });
}

function noData(document: Document, canUpload: boolean): void {
  const message = `No deaths have been loaded yet. ${canUpload ? 'Upload certificates on the Upload page' : 'Ask an uploader to load certificates (or run `vigil demo`)'}, then reload.`;
  for (const id of ['county-map', 'national-series']) Panel.of(document, id).empty('', message);
  if (canUpload) {
    const link = document.querySelector<HTMLAnchorElement>('nav.pages a[data-nav="upload"]');
    if (link) link.hidden = false;
  }
}

/** The error banner (with one action) and the notice line. */
class Banner {
  private readonly errorBanner: HTMLElement;
  private readonly message: HTMLElement;
  private readonly action: HTMLButtonElement;
  private readonly noticeBanner: HTMLElement;
  private onAction: () => void = () => {};

  constructor(document: Document) {
    this.errorBanner = byId(document, 'error-banner', HTMLElement);
    this.message = byId(document, 'error-message', HTMLElement);
    this.action = byId(document, 'error-retry', HTMLButtonElement);
    this.noticeBanner = byId(document, 'notice-banner', HTMLElement);
    this.action.addEventListener('click', () => {
      this.hideError();
      this.onAction();
    });
  }

  error(text: string, action: string, onAction: () => void): void {
    this.message.textContent = text;
    this.action.textContent = action;
    this.onAction = onAction;
    this.errorBanner.hidden = false;
  }

  hideError(): void {
    this.errorBanner.hidden = true;
  }

  notice(text: string): void {
    this.noticeBanner.textContent = text;
    this.noticeBanner.hidden = text === '';
  }
}

/** Redraws (without refetching) when the content column changes width. */
function redrawOnResize(document: Document, redraw: () => void): void {
  const main = document.getElementById('main');
  if (!main || typeof ResizeObserver === 'undefined') return;
  let width = main.clientWidth;
  let timer: ReturnType<typeof setTimeout> | undefined;
  new ResizeObserver(() => {
    if (main.clientWidth === width) return;
    width = main.clientWidth;
    clearTimeout(timer);
    timer = setTimeout(redraw, 150);
  }).observe(main);
}

startDashboard(document).catch((error: unknown) => {
  console.error(error);
  const banner = new Banner(document);
  banner.error(`Could not load the dashboard. ${messageOf(error)}`, 'Retry', () => location.reload());
  for (const id of ['county-map', 'national-series']) Panel.of(document, id).error('Not loaded.');
  byId(document, 'data-info', HTMLElement).textContent = 'Data information not loaded.';
});
