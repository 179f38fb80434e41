const EXPECTED = 'expected postgres://user[:password]@host[:port]/database';

/**
 * DATABASE_URL, checked before anything connects: a URL pg would read as something else (no user:
 * the OS user; no database: the user's name) fails later, far from the cause. Messages never echo
 * the value, which holds a password.
 */
export function checkDatabaseUrl(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new Error(`is not a URL; ${EXPECTED}`);
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new Error(`must start with postgres:// or postgresql:// (not ${scheme}://); ${EXPECTED}`);
  }
  // Read by hand before URL parsing: the parser refuses a bad port or an empty host without
  // saying which.
  const parts =
    /^[^:]+:\/\/(?:([^@/]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?([^?#]*)(\?[^#]*)?/.exec(value);
  const [, userinfo = '', host = '', port, path = '', query = ''] = parts ?? [];
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
    throw new Error(`has an invalid port (a number from 1 to 65535); ${EXPECTED}`);
  }
  const missing = [
    userinfo.split(':')[0] === '' && 'user',
    host === '' && !/[?&]host=[^&]/.test(query) && 'host',
    path.replace(/^\//, '') === '' && 'database',
  ].filter((part): part is string => part !== false);
  if (missing.length > 0) throw new Error(`has no ${missing.join(', no ')}; ${EXPECTED}`);
  if (!URL.canParse(value)) throw new Error(`is not a valid URL; ${EXPECTED}`);
  return value;
}
