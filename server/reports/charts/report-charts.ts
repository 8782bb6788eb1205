/**
 * The report's charts from its model: each chart's data (only what the version may show) and its
 * title, subtitle and notes. The same SVG goes into the HTML and, rasterised, into each PNG.
 */
import type { ReportModel } from '../model/report-model.ts';
import type { MapGeography } from '../map-geography.ts';
import { formatInstant } from '../format.ts';
import { periodLabel, shortMonthLabel } from '../period.ts';
import { drugClassChart } from './drug-classes.ts';
import type { ChartText } from './frame.ts';
import { placeMap, type MapArea } from './place-map.ts';
import { trendChart } from './trend.ts';

export const CHARTS = ['trend', 'map', 'drug-classes'] as const;
export type ChartId = (typeof CHARTS)[number];

export const NOT_FOR_PUBLIC_RELEASE = 'NOT FOR PUBLIC RELEASE';

function source(model: ReportModel): string {
  const asOf = model.extent.dataAsOf ? `data as of ${formatInstant(model.extent.dataAsOf)}` : 'data as of an unknown date';
  const flags = [model.provisional.length > 0 ? 'provisional' : null, model.extent.synthetic ? 'SYNTHETIC DEMONSTRATION DATA' : null].filter(Boolean);
  return `Source: vigil, death certificates by county of residence, ${asOf}${flags.length > 0 ? ` (${flags.join('; ')})` : ''}.`;
}

function text(model: ReportModel, title: string, subtitle: string, notes: (string | false)[]): ChartText {
  return {
    title,
    subtitle,
    notes: [...notes.filter((n): n is string => n !== false), source(model)],
    marking: model.publicRelease ? null : NOT_FOR_PUBLIC_RELEASE,
  };
}

export function renderChart(document: Document, model: ReportModel, geography: MapGeography, chart: ChartId): SVGSVGElement {
  const period = periodLabel(model.periods.period);
  const place = model.place.name;
  switch (chart) {
    case 'trend': {
      const months = model.trend.map((m) => ({
        month: m.month,
        segment: m.segment,
        deaths: m.deaths.status === 'shown' ? m.deaths.value : null,
        rate: m.rate.status === 'shown' ? m.rate.estimate.rate : null,
        reliable: m.rate.status === 'shown' && m.rate.reliable,
      }));
      const first = months[0]?.month;
      const last = months[months.length - 1]?.month;
      return trendChart(document, {
        months,
        text: text(
          model,
          `Drug overdose deaths by month, ${place}`,
          `${first && last ? `${shortMonthLabel(first)} – ${shortMonthLabel(last)}` : ''}. Dark red, shaded: ${period}${model.periods.previous ? '; orange: the previous period of equal length' : ''}.`,
          [
            'Top: deaths per month. Bottom: the monthly rate, annualised (deaths in the month per 100,000 population per year).',
            months.some((m) => m.deaths === null) && 'S: suppressed (a count of 1-9 deaths, or hidden so that one cannot be worked out from the totals shown).',
            months.some((m) => m.rate !== null && !m.reliable) && 'Hollow points: unreliable rates (fewer than 20 deaths).',
          ],
        ),
      });
    }
    case 'map': {
      const areas: MapArea[] = model.areas.rows.map((a) => ({
        code: a.code,
        name: a.name,
        deaths: a.deaths.status === 'shown' ? a.deaths.value : null,
        rate: a.rate.status === 'shown' && a.deaths.status === 'shown' && a.deaths.value > 0 ? a.rate.estimate.rate : null,
      }));
      const state = model.areas.state;
      const features = state ? geography.counties.filter((c) => c.id.startsWith(state.code)) : geography.states.filter((s) => areas.some((a) => a.code === s.id));
      const outline = state ? geography.states.find((s) => s.id === state.code) ?? geography.nation : geography.nation;
      const onMap = new Set(features.map((f) => f.id));
      const unmapped = areas.filter((a) => !onMap.has(a.code));
      return placeMap(document, {
        areas,
        features,
        outline,
        borders: state ? null : geography.stateBorders,
        highlight: model.areas.highlight,
        text: text(
          model,
          state ? `Drug overdose death rate by county, ${state.name}` : 'Drug overdose death rate by state, United States',
          `${period}. Deaths per 100,000 population per year (annualised), by ${state ? 'county' : 'state'} of residence${model.areas.highlight ? `; outlined: ${place}` : ''}.`,
          [
            'Rates from fewer than 20 deaths are unreliable (NCHS); the table in the report flags them.',
            unmapped.length > 0 &&
              `Not on the map (codes newer than its 2017 boundaries): ${unmapped.map((a) => a.name).slice(0, 4).join(', ')}${unmapped.length > 4 ? ', …' : ''}; see the table.`,
          ],
        ),
      });
    }
    case 'drug-classes':
      return drugClassChart(document, {
        classes: model.drugClasses.map((c) => ({ key: c.key, label: c.label, deaths: c.deaths.status === 'shown' ? c.deaths.value : null })),
        text: text(model, `Drug overdose deaths by drug class, ${place}`, `${period}. A death involving several drugs counts in each of their classes.`, [
          model.drugClasses.some((c) => c.deaths.status === 'suppressed') && 'Suppressed: 1-9 deaths.',
        ]),
      });
  }
}
