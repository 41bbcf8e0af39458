/** Latency figures for benchmarks: run an operation repeatedly and report percentiles in ms. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? Number.NaN;
}

export function summarize(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), runs: sorted.length };
}

/** Sequential timed runs after a warm-up; `operation(i)` may vary its input per run. */
export async function measure(
  operation: (run: number) => Promise<unknown>,
  options: { runs: number; warmup: number },
): Promise<LatencySummary> {
  for (let i = 0; i < options.warmup; i++) await operation(i);
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    await operation(i);
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

export const fmt = (ms: number) => ms.toFixed(2);
