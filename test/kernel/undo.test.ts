import { describe, expect, it } from 'vitest';
import { createUndo } from '../../src/kernel/undo.ts';

/** A compensation that records its name when it runs, after a tick so order is really awaited. */
const recorder = () => {
  const ran: string[] = [];
  const step = (name: string) => async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    ran.push(name);
  };
  return { ran, step };
};

describe('undo stack', () => {
  it('runs compensations last pushed first, each finished before the next starts', async () => {
    const { ran, step } = recorder();
    const undo = createUndo();
    undo.push(step('refund limits'));
    undo.push(step('refund attempt'));
    undo.push(step('revert approval'));
    await undo.run();
    expect(ran).toEqual(['revert approval', 'refund attempt', 'refund limits']);
  });

  it('runs each compensation at most once, even when run twice or concurrently', async () => {
    const { ran, step } = recorder();
    const undo = createUndo();
    undo.push(step('a'));
    undo.push(step('b'));
    await Promise.all([undo.run(), undo.run()]);
    await undo.run();
    expect(ran).toEqual(['b', 'a']);
  });

  it('a failing compensation does not stop the others; the first failure is thrown after all ran', async () => {
    const { ran, step } = recorder();
    const undo = createUndo();
    const first = new Error('revert failed');
    undo.push(step('refund limits'));
    undo.push(async () => {
      throw new Error('later failure');
    });
    undo.push(step('refund attempt'));
    undo.push(() => {
      // Thrown synchronously, not rejected: still caught, still not stopping the rest.
      throw first;
    });
    await expect(undo.run()).rejects.toBe(first);
    expect(ran).toEqual(['refund attempt', 'refund limits']);
  });

  it('nothing runs after commit, and what is pushed after it is owed again', async () => {
    const { ran, step } = recorder();
    const undo = createUndo();
    undo.push(step('before commit'));
    undo.commit();
    await undo.run();
    expect(ran).toEqual([]);
    undo.push(step('after commit'));
    await undo.run();
    expect(ran).toEqual(['after commit']);
  });

  it('a dropped compensation does not run; the others still do', async () => {
    const { ran, step } = recorder();
    const undo = createUndo();
    undo.push(step('refund limits'));
    const drop = undo.push(step('refund attempt'));
    undo.push(step('discard factor'));
    drop();
    drop();
    await undo.run();
    expect(ran).toEqual(['discard factor', 'refund limits']);
  });

  it('a run with nothing owed resolves', async () => {
    await expect(createUndo().run()).resolves.toBeUndefined();
  });
});
