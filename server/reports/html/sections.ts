/**
 * The report's sections, each a function of the model (and, for figures, the chart already drawn).
 */
import type { ReportModel } from '../model/report-model.ts';
import type { PeriodFigures } from '../model/key-figures.ts';
import { formatCount, formatInstant, formatPercent, formatRate } from '../format.ts';
import { monthCount, monthLabel, periodLabel, shortMonthLabel } from '../period.ts';
import { changeNode, countNode, rateNode, shareNode, valueNode, NOT_AVAILABLE, PUBLIC_SUPPRESSED_MARK, SUPPRESSED, UNRELIABLE_MARK } from './cells.ts';
import { el, row, table } from './dom.ts';

const METHOD_LABELS: Readonly<Record<string, string>> = {
  farrington: 'Farrington flexible',
  cusum: 'CUSUM',
  switch: 'Regression/EWMA switch',
  ears_c2: 'EARS C2',
};

/** "Ohio", "the United States". */
export function placeInSentence(model: ReportModel): string {
  return model.place.level === 'nation' ? 'the United States' : model.place.name;
}

export function reportTitle(model: ReportModel): string {
  return `Drug overdose deaths in ${placeInSentence(model)}, ${periodLabel(model.periods.period)}`;
}

export function headerSection(document: Document, model: ReportModel, generatedAt: string): HTMLElement {
  const { period } = model.periods;
  const months = monthCount(period);
  const requestedOther = model.requested.from !== period.from || model.requested.to !== period.to;
  return el(
    document,
    'header',
    { id: 'summary' },
    releaseMarking(document, model, 'release-marking'),
    el(document, 'h1', {}, reportTitle(model)),
    el(
      document,
      'p',
      { class: 'meta' },
      `Report period: ${monthLabel(period.from)}${months > 1 ? ` – ${monthLabel(period.to)}` : ''} (${months} month${months === 1 ? '' : 's'}) · ` +
        `Data as of ${model.extent.dataAsOf ? formatInstant(model.extent.dataAsOf) : 'unknown'} · Generated ${formatInstant(generatedAt)}`,
    ),
    requestedOther &&
      el(
        document,
        'p',
        { class: 'notice', 'data-notice': 'clamped' },
        `You asked for ${shortMonthLabel(model.requested.from)} – ${shortMonthLabel(model.requested.to)}; the data cover ${shortMonthLabel(model.extent.first)} – ${shortMonthLabel(model.extent.last)}, so this report covers ${periodLabel(period)}.`,
      ),
    model.extent.synthetic &&
      el(document, 'p', { class: 'notice synthetic', 'data-notice': 'synthetic' }, 'Synthetic demonstration data: these are not real deaths and must not be used for any decision.'),
    model.provisional.length > 0 &&
      el(document, 'p', { class: 'notice', 'data-notice': 'provisional' }, `Provisional: ${model.provisional.join('; ')}. Counts may still change.`),
  );
}

export function releaseMarking(document: Document, model: ReportModel, className: string): HTMLElement {
  return model.publicRelease
    ? el(document, 'p', { class: `${className} public` }, 'Public version: counts of 1–9 deaths below the national level, and figures built on them, are suppressed.')
    : el(document, 'p', { class: `${className} restricted`, 'data-marking': 'not-for-public-release' }, `Not for public release: unsuppressed figures. Figures marked ${PUBLIC_SUPPRESSED_MARK} are suppressed in the public version.`);
}

function card(document: Document, key: string, title: string, headline: HTMLElement, ...details: (string | Node | false)[]): HTMLElement {
  headline.classList.add('headline');
  return el(
    document,
    'div',
    { class: 'key-figure', 'data-figure': key },
    el(document, 'h3', {}, title),
    headline,
    ...details.filter((d): d is string | Node => d !== false).map((d) => (typeof d === 'string' ? el(document, 'span', { class: 'detail' }, d) : d)),
  );
}

function intervalText(figures: PeriodFigures['crudeRate']): string | false {
  if (figures.status !== 'shown') return false;
  const reliability = figures.reliable ? '' : `; ${UNRELIABLE_MARK} unreliable, fewer than 20 deaths`;
  return `95% CI ${formatRate(figures.estimate.lower)}–${formatRate(figures.estimate.upper)}${reliability}`;
}

export function keyFiguresSection(document: Document, model: ReportModel): HTMLElement {
  const { current, previous, change, previousWhy } = model.keyFigures;
  const pending = current.pending;
  const level = model.place.level;
  const why = (f: { status: string; why?: string }) => (f.status === 'unavailable' ? `Not available: ${f.why}.` : false);
  const previousDetail = previous
    ? el(
        document,
        'span',
        { class: 'detail', 'data-previous': `${previous.period.from}/${previous.period.to}` },
        `Previous period (${periodLabel(previous.period)}): `,
        countNode(document, 'span', previous.deaths, level),
        ' deaths, rate ',
        rateNode(document, 'span', previous.ageAdjustedRate.status === 'shown' && change.status === 'shown' && change.basis === 'age-adjusted' ? previous.ageAdjustedRate : previous.crudeRate),
      )
    : `No comparison: ${previousWhy}.`;
  return el(
    document,
    'section',
    { id: 'key-figures' },
    el(document, 'h2', {}, 'Key figures'),
    el(
      document,
      'div',
      { class: 'key-figures' },
      card(document, 'deaths', 'Drug overdose deaths', countNode(document, 'span', current.deaths, level), periodLabel(current.period)),
      card(
        document,
        'crude-rate',
        'Death rate per 100,000 per year',
        rateNode(document, 'span', current.crudeRate),
        intervalText(current.crudeRate),
        why(current.crudeRate),
        current.populationYear !== null && `Crude rate; ${current.populationYear} population estimate.`,
      ),
      card(
        document,
        'age-adjusted-rate',
        'Age-adjusted rate per 100,000 per year',
        rateNode(document, 'span', current.ageAdjustedRate),
        intervalText(current.ageAdjustedRate),
        why(current.ageAdjustedRate),
        current.ageAdjustedRate.status === 'shown' && 'Deaths of unknown age are left out.',
      ),
      card(document, 'change', 'Change in the rate from the previous period', changeNode(document, 'span', change), previous !== null && why(change), previousDetail),
      card(
        document,
        'pending',
        'Deaths pending investigation',
        pending.status === 'shown'
          ? el(
              document,
              'span',
              { class: 'num share', ...(pending.flagged ? { 'data-public-suppressed': 'true' } : {}) },
              (pending.share === null ? NOT_AVAILABLE : formatPercent(pending.share)) + (pending.flagged ? PUBLIC_SUPPRESSED_MARK : ''),
            )
          : el(document, 'span', { class: 'num share suppressed', 'data-suppressed': 'true' }, SUPPRESSED),
        'Share of all deaths in the period whose manner is pending investigation.',
      ),
    ),
  );
}

export function figureSection(document: Document, options: { id: string; title: string; chart: SVGSVGElement; caption: string; pageBreak?: boolean }, ...after: (Node | false)[]): HTMLElement {
  return el(
    document,
    'section',
    { id: options.id, class: options.pageBreak ? 'page-break' : undefined },
    el(document, 'h2', {}, options.title),
    el(document, 'figure', {}, options.chart, el(document, 'figcaption', {}, options.caption)),
    ...after,
  );
}

export function drugTables(document: Document, model: ReportModel): Node[] {
  const level = model.place.level;
  // Without a previous period (the data begin too late) its columns would be empty: leave them out.
  const compare = model.periods.previous !== null;
  const classes = table(document, {
    className: 'drug-classes',
    caption: `Overdose deaths by drug involved, ${periodLabel(model.periods.period)}`,
    headers: ['Drug class', 'Deaths', 'Share of overdose deaths', 'Rate per 100,000 per year (95% CI)', ...(compare ? ['Deaths, previous period', 'Change in rate'] : [])],
    rows: model.drugClasses.map((c) =>
      row(document, c.key, c.label, [
        countNode(document, 'td', c.deaths, level),
        shareNode(document, 'td', c.share),
        rateNode(document, 'td', c.rate, { interval: true }),
        ...(compare ? [c.previous ? countNode(document, 'td', c.previous, level) : el(document, 'td', { class: 'num' }, NOT_AVAILABLE), changeNode(document, 'td', c.change)] : []),
      ]),
    ),
  });
  const { rows, unlisted, withheld, byYearOnly } = model.combinations;
  const combinations = withheld
    ? el(
        document,
        'p',
        { class: 'empty', 'data-empty': 'combinations', 'data-suppressed': 'true' },
        byYearOnly
          ? 'Not shown: drug combinations for states and counties are published by calendar year (so that no count of 1–9 follows from a year minus its parts); choose a whole year.'
          : 'Not shown: the overdose deaths of the place and period are too few, or withheld, for their combinations to be shown.',
      )
    : rows.length > 0
      ? table(document, {
          className: 'combinations',
          caption: 'The drug classes involved together, most frequent first (each death counts once, in the exact set of its classes)',
          headers: ['Drugs involved', 'Deaths', 'Share of overdose deaths'],
          rows: rows.map((c) => row(document, c.combination, c.label, [countNode(document, 'td', c.deaths, level), shareNode(document, 'td', c.share)])),
        })
      : el(
          document,
          'p',
          { class: 'empty', 'data-empty': 'combinations' },
          unlisted ? 'No combination can be listed: any one would let a count of 1–9 be worked out (the same combinations /api/combinations withholds).' : 'No overdose deaths in the period.',
        );
  const nodes: Node[] = [el(document, 'h3', {}, 'Drug classes'), classes, el(document, 'h3', {}, 'Combinations'), combinations];
  if (unlisted && !withheld && rows.length > 0) {
    const what = unlisted.combinations === null ? 'Further combinations are' : `${formatCount(unlisted.combinations)} further combination${unlisted.combinations === 1 ? ' is' : 's are'}`;
    nodes.push(
      el(
        document,
        'p',
        { class: 'footnotes', 'data-unlisted': 'combinations' },
        `${what} not listed, so that no count of 1–9 can be worked out`,
        ...(unlisted.deaths === null ? ['.'] : ['; together they involve ', countNode(document, 'span', { status: 'shown', value: unlisted.deaths, flagged: false }, level), ' deaths.']),
      ),
    );
  }
  return nodes;
}

export function alertsSection(document: Document, model: ReportModel): HTMLElement {
  const { unlisted } = model.alerts;
  const rows = model.alerts.rows.map((a) =>
    el(
      document,
      'tr',
      { 'data-key': `${a.source}/${a.measure}/${a.geography}/${a.period}/${a.method}`, 'data-status': a.status },
      el(document, 'td', { class: `status status-${a.status}` }, a.status === 'alert' ? 'Alert' : 'Warning'),
      el(document, 'td', {}, a.source === 'ed' ? 'ED visits' : 'Deaths'),
      el(document, 'td', {}, a.measureLabel),
      el(document, 'td', {}, a.where),
      el(document, 'td', {}, a.periodUnit === 'week' ? `week of ${a.period}` : a.period),
      el(document, 'td', {}, METHOD_LABELS[a.method] ?? a.method),
      countNode(document, 'td', a.observed, a.level),
      valueNode(document, 'td', a.expected, (n) => n.toFixed(1)),
      valueNode(document, 'td', a.pValue, (p) => (p < 0.001 ? '<0.001' : p.toFixed(3))),
    ),
  );
  return el(
    document,
    'section',
    { id: 'alerts' },
    el(document, 'h2', {}, 'Alerts'),
    rows.length > 0
      ? table(document, { className: 'alerts', caption: `Alerts and warnings in ${periodLabel(model.periods.period)}`, headers: ['Status', 'Source', 'What', 'Where', 'When', 'Method', 'Observed', 'Expected', 'p'], rows })
      : el(
          document,
          'p',
          { class: 'empty', 'data-empty': 'alerts' },
          `The latest detection run raised no alert or warning${unlisted > 0 ? ' that can be listed' : ''} for ${placeInSentence(model)} in this period. Detection looks at the most recent weeks of data, so reports for earlier periods list none.`,
        ),
    unlisted > 0 &&
      el(document, 'p', { class: 'footnotes', 'data-unlisted': unlisted }, `${formatCount(unlisted)} further alert${unlisted === 1 ? '' : 's'} or warning${unlisted === 1 ? '' : 's'} with 1–9 cases ${unlisted === 1 ? 'is' : 'are'} not listed.`),
  );
}

export function tablesSection(document: Document, model: ReportModel): HTMLElement {
  const level = model.place.level;
  const segment = { period: 'Report period', previous: 'Previous period', earlier: '' } as const;
  const monthly = table(document, {
    className: 'monthly',
    caption: `Table 1. Drug overdose deaths by month, ${model.place.name}`,
    headers: ['Month', '', 'Deaths', 'Rate per 100,000 per year (95% CI)'],
    rows: model.trend.map((m) =>
      row(document, m.month, shortMonthLabel(m.month), [
        el(document, 'td', {}, segment[m.segment]),
        countNode(document, 'td', m.deaths, level),
        rateNode(document, 'td', m.rate, { interval: true }),
      ]),
    ),
  });
  const areaLevel = model.areas.level;
  const areas = table(document, {
    className: 'areas',
    caption: `Table 2. Drug overdose deaths by ${areaLevel}, ${model.areas.state ? model.areas.state.name : 'United States'}, ${periodLabel(model.periods.period)}`,
    headers: [areaLevel === 'county' ? 'County' : 'State', 'FIPS', 'Deaths', `Rate per 100,000 per year (95% CI)`],
    rows: model.areas.rows.map((a) =>
      row(document, a.code, a.name, [el(document, 'td', {}, a.code), countNode(document, 'td', a.deaths, areaLevel), rateNode(document, 'td', a.rate, { interval: true })]),
    ),
  });
  return el(
    document,
    'section',
    { id: 'tables', class: 'page-break' },
    el(document, 'h2', {}, 'Tables'),
    monthly,
    areas,
    el(
      document,
      'p',
      { class: 'footnotes' },
      `${UNRELIABLE_MARK} Unreliable: fewer than 20 deaths. ${SUPPRESSED}: see “Suppression”. ${NOT_AVAILABLE}: not available (no population estimate). ` +
        (model.areas.populationYear !== null ? `Populations: ${model.areas.populationYear} estimates.` : ''),
    ),
  );
}
