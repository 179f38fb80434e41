import { describe, expect, it } from 'vitest';
import { runShutdown, type StepOutcome } from '../../src/kernel/shutdown.ts';

describe('runShutdown', () => {
  it('runs the steps in order, one at a time, and reports each with its duration', async () => {
    const log: string[] = [];
    const step = (name: string) => ({
      name,
      run: async () => {
        log.push(`start ${name}`);
        await new Promise((done) => setTimeout(done, 5));
        log.push(`end ${name}`);
      },
    });
    const reports: StepOutcome[] = [];
    let clock = 0;
    const failed = await runShutdown(
      [step('drain'), step('flush')],
      (outcome) => reports.push(outcome),
      () => (clock += 10),
    );
    expect(failed).toEqual([]);
    expect(log).toEqual(['start drain', 'end drain', 'start flush', 'end flush']);
    expect(reports).toEqual([
      { step: 'drain', ms: 10 },
      { step: 'flush', ms: 10 },
    ]);
  });

  it('goes on after a failing step and names it', async () => {
    const ran: string[] = [];
    const boom = new Error('postgres is gone');
    const reports: StepOutcome[] = [];
    const failed = await runShutdown(
      [
        { name: 'flush audit trail', run: () => Promise.reject(boom) },
        { name: 'unbind', run: async () => void ran.push('unbind') },
      ],
      (outcome) => reports.push(outcome),
    );
    expect(failed).toEqual(['flush audit trail']);
    expect(ran).toEqual(['unbind']);
    expect(reports[0]).toMatchObject({ step: 'flush audit trail', error: boom });
    expect(reports[1]?.error).toBeUndefined();
  });
});
