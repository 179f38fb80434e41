import { performance } from 'node:perf_hooks';
import {
  type BenchTarget,
  CycleError,
  type CycleTimings,
  ENDPOINTS,
  type Endpoint,
  runCycle,
} from './cycle.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Failed cycles of a phase: how many, and the first few messages. */
export class Failures {
  count = 0;
  readonly samples: string[] = [];

  add(error: unknown): void {
    this.count++;
    if (this.samples.length < 5) {
      this.samples.push(error instanceof CycleError ? error.message : String(error));
    }
  }
}

export interface ClosedLoopResult {
  /** Cycles that ended inside the measured window. */
  cycles: number;
  /** Cycles that ended during the whole phase, warm-up included. */
  allCycles: number;
  seconds: number;
  cyclesPerSecond: number;
}

/**
 * `users` virtual users, each running cycles back to back (closed loop) for `warmupMs +
 * durationMs`; the cycles that end inside the last `durationMs` are counted.
 */
export async function closedLoop(
  cycle: () => Promise<unknown>,
  options: { users: number; warmupMs: number; durationMs: number; failures: Failures },
): Promise<ClosedLoopResult> {
  const measureFrom = performance.now() + options.warmupMs;
  const end = measureFrom + options.durationMs;
  let cycles = 0;
  let allCycles = 0;
  const user = async () => {
    while (performance.now() < end) {
      try {
        await cycle();
        allCycles++;
        const now = performance.now();
        if (now >= measureFrom && now < end) cycles++;
      } catch (error) {
        options.failures.add(error);
        // A server that refuses everything must not turn this loop into a busy spin.
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: options.users }, user));
  const seconds = options.durationMs / 1000;
  return { cycles, allCycles, seconds, cyclesPerSecond: cycles / seconds };
}

export interface OpenLoopResult {
  rate: number;
  started: number;
  completed: number;
  seconds: number;
  /** Latest start of a cycle after its due time: the generator's own lag. */
  maxStartLagMs: number;
  latencies: Record<Endpoint, number[]>;
}

/** How long the cycles still in flight when arrivals stop may take to finish. */
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Open loop: cycles start at a fixed arrival rate, on a schedule that does not wait for earlier
 * cycles to finish; a cycle whose turn came while the generator was busy starts at once, and its
 * send latency counts from its due time. The first `warmupMs` run at the same rate but are not
 * measured (new connections, the server settling after the previous phase). Arrivals stop after
 * `warmupMs + durationMs`; cycles still running then get DRAIN_TIMEOUT_MS to finish, after which
 * they count as failures.
 */
export async function openLoop(
  target: BenchTarget,
  options: { rate: number; warmupMs: number; durationMs: number; failures: Failures },
): Promise<OpenLoopResult> {
  const latencies: Record<Endpoint, number[]> = { send: [], check: [] };
  const interval = 1000 / options.rate;
  const begin = performance.now();
  const measureFrom = begin + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const inflight = new Set<Promise<void>>();
  let started = 0;
  let completed = 0;
  let maxStartLagMs = 0;

  const launch = (dueAt: number) => {
    const measured = dueAt >= measureFrom;
    if (measured) {
      started++;
      maxStartLagMs = Math.max(maxStartLagMs, performance.now() - dueAt);
    }
    const cycle = runCycle(target, dueAt).then(
      (timings: CycleTimings) => {
        if (!measured) return;
        completed++;
        for (const endpoint of ENDPOINTS) latencies[endpoint].push(timings[endpoint]);
      },
      (error: unknown) => options.failures.add(error),
    );
    inflight.add(cycle);
    void cycle.finally(() => inflight.delete(cycle));
  };

  let due = begin;
  while (due < end) {
    const now = performance.now();
    while (due <= now && due < end) {
      launch(due);
      due += interval;
    }
    if (due < end) await sleep(Math.max(0, due - performance.now()));
  }

  const drained = await Promise.race([
    Promise.all(inflight).then(() => true),
    sleep(DRAIN_TIMEOUT_MS).then(() => false),
  ]);
  if (!drained) {
    for (let i = 0; i < inflight.size; i++) {
      options.failures.add(`a cycle did not finish within ${DRAIN_TIMEOUT_MS} ms of the phase end`);
    }
  }
  return {
    rate: options.rate,
    started,
    completed,
    seconds: options.durationMs / 1000,
    maxStartLagMs,
    latencies,
  };
}

/** Nearest-rank percentile of unsorted samples (NaN when there are none). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
