/**
 * The report's "Methods and definitions" and "Suppression" sections: the NCHS definitions the
 * figures follow, how rates, intervals and changes are computed, and what this report suppressed.
 */
import { NORMAL_APPROXIMATION_MIN_DEATHS } from '../../../pipeline/stats/rates/confidence.ts';
import { SUPPRESS_MAX, SUPPRESS_MIN, UNRELIABLE_BELOW } from '../../../pipeline/stats/rates/suppression.ts';
import { ALERT_MIN_OBSERVED } from '../report-data.ts';
import type { ReportModel } from '../model/report-model.ts';
import { SIGNIFICANCE_LEVEL } from '../model/rate-change.ts';
import { PROVISIONAL_MONTHS } from '../model/report-model.ts';
import { formatCount } from '../format.ts';
import { el } from './dom.ts';

const DEFINITIONS: [string, string][] = [
  [
    'Drug overdose death',
    'A death whose underlying cause (ICD-10) is X40–X44 (unintentional), X60–X64 (suicide), X85 (homicide) or Y10–Y14 (undetermined intent): the NCHS definition. Alcohol poisoning alone is not a drug overdose.',
  ],
  [
    'Drugs involved',
    'From the multiple causes of death (ICD-10 T-codes): any opioid T40.0–T40.4 or T40.6; heroin T40.1; natural and semi-synthetic opioids (oxycodone, hydrocodone, morphine) T40.2; methadone T40.3; synthetic opioids other than methadone (mainly illicit fentanyl) T40.4; cocaine T40.5; psychostimulants with abuse potential (mainly methamphetamine) T43.6; benzodiazepines T42.4. Classes are not exclusive: a death involving fentanyl and cocaine counts in both, and in the fentanyl and cocaine combination.',
  ],
  ['Place and time', 'Deaths are counted by county of residence and month of death. Deaths with no county of residence count in the national figures only.'],
  [
    'Rates',
    'Deaths per 100,000 population per year: the deaths of a period divided by its person-years (the population × months ÷ 12), so a quarter’s rate reads on the same scale as a year’s. Populations are US Census Bureau resident population estimates (July 1) for the period’s last year, or the newest estimate before it.',
  ],
  [
    'Age-adjusted rates',
    'Direct method with the 2000 US standard population in the 11 NCHS age groups (Anderson & Rosenberg, NVSR 47(3), 1998), where age-specific population estimates exist for the place and year; deaths of unknown age are left out. In the public version, only where no age-specific count behind the rate is withheld.',
  ],
  [
    '95% confidence intervals',
    `For fewer than ${NORMAL_APPROXIMATION_MIN_DEATHS} deaths, exact intervals from the gamma distribution (Poisson limits for crude rates, Fay & Feuer 1997 for age-adjusted rates); from ${NORMAL_APPROXIMATION_MIN_DEATHS} deaths, the normal approximation, as NCHS and CDC WONDER compute them.`,
  ],
  [
    'Change from the previous period',
    `The rate of the report period against the period of equal length just before it (age-adjusted rates where both exist, crude otherwise). With ${NORMAL_APPROXIMATION_MIN_DEATHS} or more deaths in both periods, a two-sided z test at the ${SIGNIFICANCE_LEVEL} level; with fewer, a difference counts as significant only when the 95% intervals do not overlap (a conservative test).`,
  ],
  ['Unreliable rates', `Rates from fewer than ${UNRELIABLE_BELOW} deaths are marked * (NCHS): their relative standard error is above 23%.`],
  [
    'Pending investigation',
    'Deaths whose manner is “pending investigation” are provisionally coded R99 and become overdose deaths, if they are, only when the amended certificate arrives. Their share of all deaths shows how much the counts may still rise. The public version gives it for states and the nation only, as /api/aggregates does.',
  ],
  [
    'Provisional data',
    `Figures are provisional when the period ends less than ${PROVISIONAL_MONTHS} months before the data were last updated, or when deaths in it are still pending investigation: counts can still change as records arrive and are amended.`,
  ],
  [
    'Alerts',
    `The latest run of vigil’s detection job: weekly deaths by the Farrington flexible method and CUSUM, daily emergency-department visits by the ESSENCE regression/EWMA switch and EARS C2. Alert: p < 0.01; warning: p < 0.05. Periods with fewer than ${ALERT_MIN_OBSERVED} cases are not listed.`,
  ],
  [
    'Source',
    'Death certificates received by this vigil installation and coded to ICD-10 by its automated coder (with human corrections); these are not NCHS final data. The figures are those /api/aggregates, /api/combinations and /api/alerts serve for the same place and period.',
  ],
];

export function methodsSection(document: Document): HTMLElement {
  return el(
    document,
    'section',
    { id: 'methods', class: 'methods page-break' },
    el(document, 'h2', {}, 'Methods and definitions'),
    el(document, 'dl', {}, ...DEFINITIONS.flatMap(([term, text]) => [el(document, 'dt', {}, term), el(document, 'dd', {}, text)])),
  );
}

export function suppressionSection(document: Document, model: ReportModel): HTMLElement {
  const rule =
    `Below the national level, counts of ${SUPPRESS_MIN}–${SUPPRESS_MAX} deaths are not shown, nor are rates or shares built on them (NCHS and CDC WONDER confidentiality rules); ` +
    'where a shown total would let a reader work out a hidden count by subtraction, further counts are hidden as well (complementary suppression). National counts are shown in full. ' +
    'The report withholds exactly what the API withholds for the same figures (/api/aggregates, /api/combinations, /api/alerts), so the two cannot be combined to recover a withheld count.';
  const version = model.publicRelease
    ? 'This is the public version: the rules above are applied.'
    : `This version is unsuppressed and NOT FOR PUBLIC RELEASE. Every figure marked ${'‡'} is hidden in the public version; do not quote it outside your organisation.`;
  const items = [...model.suppression.entries()]
    .filter(([, tally]) => tally.withheld > 0)
    .map(([section, tally]) =>
      el(document, 'li', { 'data-section': section }, `${section[0]!.toUpperCase()}${section.slice(1)}: ${formatCount(tally.withheld)} of ${formatCount(tally.total)} counts withheld.`),
    );
  return el(
    document,
    'section',
    { id: 'suppression' },
    el(document, 'h2', {}, 'Suppression'),
    el(document, 'p', {}, rule),
    el(document, 'p', {}, version),
    items.length > 0
      ? el(document, 'div', {}, el(document, 'p', {}, model.publicRelease ? 'Suppressed in this report:' : 'Suppressed in the public version of this report:'), el(document, 'ul', {}, ...items))
      : el(document, 'p', {}, 'No figure in this report needs suppression.'),
    el(
      document,
      'p',
      { class: 'footnotes' },
      'Suppression protects the figures within one report, and a county’s figures the same way in its own report and in its state’s. Reports for overlapping periods can still be subtracted from one another; share figures from several reports with care.',
    ),
  );
}
