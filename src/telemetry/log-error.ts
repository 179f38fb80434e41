import { errorChain } from '../kernel/error-chain.ts';

/** An error as the logs show it: only what says what failed, never what it carried. */
export interface LoggedError {
  type: string;
  /** Each link's message, outermost first, joined by ": " (as pino's own serializer does). */
  message: string;
  /** Each link's stack frames under its own name and message, joined by "\ncaused by: ". */
  stack: string;
  /** The SQLSTATEs and Node error codes along the chain, outermost first. */
  codes?: string[];
  /** Schema names Postgres gave with a constraint violation (never the values of the row). */
  constraint?: string;
  table?: string;
  column?: string;
}

// The shapes of codes worth an operator's eye: a SQLSTATE (PostgreSQL manual, appendix A) or a
// Node system error (ECONNREFUSED, ERR_SOCKET_CLOSED). Anything else called `code` is dropped.
const LOGGED_CODE = /^[0-9A-Z]{5}$|^E[A-Z]+$|^ERR_[A-Z_]+$/;
const FRAME = /^\s+at /;

/**
 * Pino's `err` serializer. Errors from the stores carry what they were given: drizzle's
 * DrizzleQueryError holds the SQL and its parameters in `query`, `params` and its very message
 * (user refs, labels, sealed TOTP secrets, API key hashes, whole audit events), pg's errors the
 * row in `detail`, ioredis' the command's arguments. Rather than redact what is known to be
 * sensitive, this keeps what is known to be safe: names, messages with the SQL and any quoted
 * input cut off, stack frames, codes, schema names. Other values are returned as they are.
 */
export function serializeError(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('message' in value)) return value;
  const links = [...errorChain(value)];
  const described = links.map((link) => {
    const name = stringField(link, 'name') ?? 'Error';
    const message = safeMessage(link);
    const frames = (stringField(link, 'stack') ?? '')
      .split('\n')
      .filter((line) => FRAME.test(line));
    return {
      message,
      stack: [message ? `${name}: ${message}` : name, ...frames].join('\n'),
    };
  });
  const logged: LoggedError = {
    type: typeName(value),
    message: described
      .map((d) => d.message)
      .filter(Boolean)
      .join(': '),
    stack: described.map((d) => d.stack).join('\ncaused by: '),
  };
  const codes = links.flatMap((link) => {
    const code = stringField(link, 'code');
    return code && LOGGED_CODE.test(code) ? [code] : [];
  });
  if (codes.length > 0) logged.codes = codes;
  for (const field of ['constraint', 'table', 'column'] as const) {
    const found = links.map((link) => stringField(link, field)).find(Boolean);
    if (found) logged[field] = found;
  }
  return logged;
}

function safeMessage(link: object): string {
  const message = stringField(link, 'message') ?? '';
  // drizzle: `Failed query: ${sql}\nparams: ${params}`. The SQL is cut too: it may hold literals.
  if (message.startsWith('Failed query:')) return 'Failed query';
  // Class 22 (data exception) messages quote the value at fault after a colon:
  // `invalid input syntax for type uuid: "…"`.
  const code = stringField(link, 'code');
  if (code?.startsWith('22') && LOGGED_CODE.test(code)) return message.split(': ')[0] ?? '';
  // Any other message with parameters appended is cut before them.
  return message.split('\nparams: ')[0] ?? '';
}

function typeName(error: object): string {
  const maker = (error as { constructor?: unknown }).constructor;
  if (typeof maker === 'function' && maker.name) return maker.name;
  return stringField(error, 'name') ?? 'Error';
}

function stringField(object: object, field: string): string | undefined {
  const value = (object as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
