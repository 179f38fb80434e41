/** One step of the graceful shutdown, named in the logs. */
export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

export interface StepOutcome {
  step: string;
  ms: number;
  error?: unknown;
}

/**
 * Runs the steps one after the other, in order. A failing step is reported and the next ones still
 * run: a Postgres that refuses the audit flush must not keep an SMPP session bound. Resolves to the
 * names of the steps that failed.
 */
export async function runShutdown(
  steps: readonly ShutdownStep[],
  report: (outcome: StepOutcome) => void,
  now: () => number = () => performance.now(),
): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    const started = now();
    try {
      await step.run();
      report({ step: step.name, ms: Math.round(now() - started) });
    } catch (error) {
      failed.push(step.name);
      report({ step: step.name, ms: Math.round(now() - started), error });
    }
  }
  return failed;
}
