/** Takes back one change a verb made; it may reject, or catch its own failure (see Undo.run). */
export type Compensation = () => Promise<unknown>;

/**
 * A verb's compensations as one value: each change that must be taken back if the verb fails later
 * (a limit spent, an attempt counted, a code approved before its audit row) is pushed right after
 * it is made, and the verb's one catch runs the stack once, instead of every catch repeating the
 * give-backs it happens to know about.
 */
export interface Undo {
  /**
   * Owes `compensation` from now on. Returns a function that drops it again, for a compensation a
   * later change supersedes (reverting an approval also gives its attempt back).
   */
  push(compensation: Compensation): () => void;
  /** The step is final (its audit row is committed): nothing pushed so far is owed any more. */
  commit(): void;
  /**
   * Runs what is owed, last pushed first, one after the other and each at most once; all of it is
   * awaited before the verb answers. A compensation that rejects does not stop the others; the
   * first rejection is thrown once all have run, so it fails the verb as it did when awaited in a
   * catch. One whose loss is acceptable (a limit only stays stricter) catches its own failure,
   * typically with countLost, and then never rejects.
   */
  run(): Promise<void>;
}

export function createUndo(): Undo {
  let owed: { compensation: Compensation }[] = [];
  return {
    push(compensation) {
      const entry = { compensation };
      owed.push(entry);
      return () => {
        owed = owed.filter((e) => e !== entry);
      };
    },
    commit() {
      owed = [];
    },
    async run() {
      // Taken off the stack before the first await: a second run (or a drop) finds nothing owed.
      const due = owed.reverse();
      owed = [];
      let failure: { error: unknown } | null = null;
      for (const { compensation } of due) {
        try {
          await compensation();
        } catch (error) {
          failure ??= { error };
        }
      }
      if (failure) throw failure.error;
    },
  };
}
