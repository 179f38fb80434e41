/** How long a cycle waits for its code to be printed before it counts as failed. */
const CODE_TIMEOUT_MS = 10_000;
/** pino lines at warn (40) or above kept to show after the run. */
const MAX_WARNINGS = 20;

const HEADER = /^\[console SMS\] to \S+ \((\S+)\)$/;
const CODE = /\b(\d{4,10})\b/;

interface Waiter {
  resolve: (code: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The bench's phone: it reads the server's stdout, where the console SMS route prints every
 * message (`[console SMS] to <number> (<verification id>)` then the text), and hands each
 * verification's code to the cycle that asked for it. Reading the printed SMS, as a person reads
 * their phone, keeps a development-only HTTP request out of the measured cycle.
 * Codes stay in this process's memory until taken, and are never printed.
 */
export class ConsoleInbox {
  readonly #codes = new Map<string, string>();
  readonly #waiters = new Map<string, Waiter>();
  readonly #warnings: string[] = [];
  #skippedWarnings = 0;
  #partial = '';
  #pendingReference: string | null = null;

  /** Feeds a chunk of the server's stdout. */
  write(chunk: string): void {
    const lines = (this.#partial + chunk).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** The code sent for this verification, once printed. */
  take(reference: string): Promise<string> {
    const code = this.#codes.get(reference);
    if (code !== undefined) {
      this.#codes.delete(reference);
      return Promise.resolve(code);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(reference);
        reject(new Error(`no SMS printed for ${reference} within ${CODE_TIMEOUT_MS} ms`));
      }, CODE_TIMEOUT_MS);
      this.#waiters.set(reference, { resolve, reject, timer });
    });
  }

  /** The server's log lines at warn or above, and how many more there were. */
  warnings(): { lines: string[]; skipped: number } {
    return { lines: [...this.#warnings], skipped: this.#skippedWarnings };
  }

  #line(line: string): void {
    const header = HEADER.exec(line);
    if (header) {
      this.#pendingReference = header[1] ?? null;
      return;
    }
    const reference = this.#pendingReference;
    const code = reference ? CODE.exec(line)?.[1] : undefined;
    if (reference && code) {
      this.#pendingReference = null;
      this.#deliver(reference, code);
      return;
    }
    const level = /^\{"level":(\d+)/.exec(line)?.[1];
    if (level && Number(level) >= 40) {
      if (this.#warnings.length < MAX_WARNINGS) this.#warnings.push(line);
      else this.#skippedWarnings++;
    }
  }

  #deliver(reference: string, code: string): void {
    const waiter = this.#waiters.get(reference);
    if (!waiter) {
      this.#codes.set(reference, code);
      return;
    }
    this.#waiters.delete(reference);
    clearTimeout(waiter.timer);
    waiter.resolve(code);
  }
}
