import { ConfigError } from './config.ts';

/**
 * A start-up failure that one variable explains: the message names it and says what is wrong,
 * e.g. `DATABASE_URL: could not connect to 127.0.0.1:5999 (ECONNREFUSED)`.
 */
export class StartupError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'StartupError';
  }
}

/** `host:port` of a URL, never its user or password. */
export function endpointOf(url: string, defaultPort: number): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `${host}:${parsed.port || defaultPort}`;
  } catch {
    return '(unparseable address)';
  }
}

/**
 * Why a connection or a file operation failed, in a few words: the system's error code
 * (ECONNREFUSED, ENOTFOUND, EACCES...), else the server's or driver's own message (`password
 * authentication failed for user "x"`).
 */
export function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown[] } | null;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  // Several addresses tried (localhost: ::1 and 127.0.0.1): the first one's reason.
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  if (first !== undefined) return reasonOf(first);
  return typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
}

/** Runs `connect`; a failure becomes `VARIABLE: could not connect to host:port (why)`. */
export async function connecting<T>(
  variable: string,
  endpoint: string,
  connect: () => Promise<T>,
): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    throw new StartupError(variable, `could not connect to ${endpoint} (${reasonOf(error)})`);
  }
}

/**
 * What a failed start prints on stderr: the configuration's mistakes, all at once, or the one
 * failure, without a stack trace; any secret of the environment is masked, should a driver's
 * message ever quote it.
 */
export function describeStartupFailure(
  error: unknown,
  env: Record<string, string | undefined>,
): string {
  const message =
    error instanceof ConfigError || error instanceof StartupError
      ? error.message
      : `could not start: ${error instanceof Error ? error.message : String(error)}`;
  return redactSecrets(message, env);
}

/** The environment's secrets: passwords in the store URLs, keys and tokens. */
function secretsOf(env: Record<string, string | undefined>): string[] {
  const secrets: string[] = [];
  for (const name of ['SECRET_KEY', 'BOOTSTRAP_API_KEY', 'METRICS_TOKEN']) {
    const value = env[name]?.trim();
    if (value) secrets.push(value);
  }
  for (const name of ['DATABASE_URL', 'REDIS_URL']) {
    // The userinfo's password, read without a URL parser (a URL too broken to parse still has one).
    const userinfo = /^[^:/]*:\/\/([^@/]*)@/.exec(env[name] ?? '')?.[1];
    const password = userinfo?.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : null;
    if (password) {
      secrets.push(password);
      try {
        secrets.push(decodeURIComponent(password));
      } catch {
        // Not percent-encoded validly: the raw text is masked already.
      }
    }
    const sentinelPassword = /[?&]sentinel_password=([^&#]*)/.exec(env[name] ?? '')?.[1];
    if (sentinelPassword) secrets.push(sentinelPassword);
  }
  // Longest first, so that a secret containing another is masked whole.
  return secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

export function redactSecrets(message: string, env: Record<string, string | undefined>): string {
  let text = message;
  for (const secret of secretsOf(env)) text = text.split(secret).join('***');
  return text;
}
