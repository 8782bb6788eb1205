/**
 * How well the prospective space-time permutation scan recovers injected outbreaks. For each
 * outbreak, the scan is run as the nightly job would run it (a year of county × day ED counts
 * ending on the analysis day, ALERTS.md defaults), on every other day of the outbreak from its
 * second day, until a cluster with p ≤ 0.05 shares a county with it. Reported: the share found,
 * days to detection, location overlap (precision: the cluster's counties that are the outbreak's;
 * recall: the outbreak's counties in the cluster), and the cluster's start against the
 * outbreak's. Clusters on the same counties without outbreaks, at evenly spread days, give the
 * share of analyses with a false cluster.
 */
import { ScanRunner } from '../scan/parallel.ts';
import type { SpaceTimeCluster } from '../scan/space-time-permutation.ts';
import type { InjectedOutbreak } from './outbreaks.ts';
import { median } from './score.ts';
import type { Baseline } from './synthetic-series.ts';

export interface ScanRecoveryOptions {
  replicates: number;
  seed: number;
  threads: number;
  /** Days of study period per analysis (365, as the job). */
  studyDays: number;
  /** Analyses without outbreaks, for the false-cluster share. */
  baselineAnalyses: number;
  /** Significance of a reported cluster (0.05, as the job stores). */
  maxP: number;
  /** Progress, for the CLI's stderr. */
  onAnalysis?: (done: number) => void;
}

export interface ScanRecovery {
  kind: 'scan';
  method: 'space_time_permutation';
  outbreaks: number;
  found: number;
  share: number | null;
  medianDaysToDetection: number | null;
  meanPrecision: number | null;
  meanRecall: number | null;
  medianStartOffsetDays: number | null;
  analyses: number;
  baselineAnalyses: number;
  falseClusterShare: number | null;
  replicates: number;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export async function scanRecovery(baseline: Baseline, outbreaks: readonly InjectedOutbreak[], dirty: readonly Int32Array[], options: ScanRecoveryOptions): Promise<ScanRecovery> {
  const runner = new ScanRunner(options.threads);
  const ids = baseline.counties.map((c) => c.fips);
  const locations = baseline.counties.map((c) => ({ id: c.fips, x: c.lon, y: c.lat }));
  let analyses = 0;
  const clustersOn = async (series: readonly Int32Array[], day: number): Promise<SpaceTimeCluster[]> => {
    const from = Math.max(0, day + 1 - options.studyDays);
    // Counties without a case in the study period change no cylinder: left out, as the job does.
    const rows = series.map((row, k) => ({ k, counts: row.subarray(from, day + 1) })).filter((r) => r.counts.some((x) => x > 0));
    analyses++;
    options.onAnalysis?.(analyses);
    if (rows.length < 2) return [];
    const outcome = await runner.scan(
      { locations: rows.map((r) => locations[r.k]!), counts: rows.map((r) => r.counts) },
      { replicates: options.replicates, seed: options.seed },
      options.maxP,
    );
    if (!outcome.complete) return [];
    return [outcome.result.mostLikely, ...outcome.result.secondary].filter((c): c is SpaceTimeCluster => c !== null && c.p <= options.maxP);
  };
  try {
    const found: { days: number; precision: number; recall: number; startOffset: number }[] = [];
    for (const o of outbreaks) {
      const members = new Set(o.counties.map((k) => ids[k]!));
      for (let day = o.start + 1; day < o.start + o.days; day += 2) {
        const clusters = await clustersOn(dirty, day);
        const best = clusters
          .map((c) => ({ c, shared: c.locations.filter((f) => members.has(f)).length }))
          .filter((m) => m.shared > 0)
          .sort((a, b) => b.shared - a.shared || a.c.p - b.c.p)[0];
        if (!best) continue;
        const clusterStart = day - (best.c.windowDays - 1);
        found.push({ days: day - o.start, precision: best.shared / best.c.locations.length, recall: best.shared / members.size, startOffset: clusterStart - o.start });
        break;
      }
    }
    const outbreakAnalyses = analyses;
    // False clusters: the same counties without outbreaks, on days spread over the evaluated year.
    const yearDays = baseline.edDaily[0]!.length - baseline.edYearStart;
    let falsePositive = 0;
    for (let i = 0; i < options.baselineAnalyses; i++) {
      const day = baseline.edYearStart + Math.floor(((i + 0.5) * yearDays) / options.baselineAnalyses);
      if ((await clustersOn(baseline.edDaily, day)).length > 0) falsePositive++;
    }
    return {
      kind: 'scan',
      method: 'space_time_permutation',
      outbreaks: outbreaks.length,
      found: found.length,
      share: outbreaks.length > 0 ? found.length / outbreaks.length : null,
      medianDaysToDetection: median(found.map((f) => f.days)),
      meanPrecision: mean(found.map((f) => f.precision)),
      meanRecall: mean(found.map((f) => f.recall)),
      medianStartOffsetDays: median(found.map((f) => f.startOffset)),
      analyses: outbreakAnalyses,
      baselineAnalyses: options.baselineAnalyses,
      falseClusterShare: options.baselineAnalyses > 0 ? falsePositive / options.baselineAnalyses : null,
      replicates: options.replicates,
    };
  } finally {
    await runner.close();
  }
}
