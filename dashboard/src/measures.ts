// What is counted: the two sources and how a death measure (a drug class) meets its ED syndrome.
export type Source = 'deaths' | 'ed';
export type SourceChoice = Source | 'both';

/**
 * The ED syndrome (CDC NSSP CCDD definitions, GET /api/syndromes) that counts the same drug class
 * as a death measure, so "both sources" compares like with like. Measures without one (methadone,
 * natural and semi-synthetic opioids, all deaths) have no ED series.
 */
const ED_SYNDROME_OF: Readonly<Record<string, string>> = {
  all_overdose: 'all_drug',
  any_opioid: 'opioid',
  synthetic_opioid: 'fentanyl',
  heroin: 'heroin',
  cocaine: 'cocaine',
  psychostimulant: 'stimulant',
  benzodiazepine: 'benzodiazepine',
};

/** The measure key a source uses for a drug class: the death measure itself, or its ED syndrome. */
export function measureFor(source: Source, deathMeasure: string): string | null {
  return source === 'deaths' ? deathMeasure : (ED_SYNDROME_OF[deathMeasure] ?? null);
}

export function sourcesOf(choice: SourceChoice): Source[] {
  return choice === 'both' ? ['deaths', 'ed'] : [choice];
}

/** "Deaths" / "ED visits": the noun for axis labels and captions. */
export function countNoun(source: Source): string {
  return source === 'deaths' ? 'Deaths' : 'ED visits';
}
