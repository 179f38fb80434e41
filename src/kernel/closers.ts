/** What a runtime must close, closed in reverse order of opening; a failing close stops no other. */
export function createClosers(): {
  add(close: () => Promise<void>): void;
  closeAll(): Promise<void>;
} {
  const closers: (() => Promise<void>)[] = [];
  return {
    add: (close) => void closers.push(close),
    async closeAll() {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    },
  };
}
