/**
 * REDIS_URL: one Redis (`redis://`, `rediss://`), or a master found through Sentinel:
 *   redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/<master name>[/<db>]
 * (sentinel port 26379 by default; the password is the master's; `?sentinel_password=` is the
 * sentinels' own, when they require one). Redis Cluster is refused: the Lua scripts of the code
 * store and limits touch several keys that Cluster would spread across slots.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel';
      sentinels: { host: string; port: number }[];
      name: string;
      db: number;
      username: string | undefined;
      password: string | undefined;
      sentinelPassword: string | undefined;
    };

const SENTINEL_PORT = 26379;

export function parseRedisTarget(value: string): RedisTarget {
  const scheme = /^([a-z+]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    if (value.slice(scheme.length + 3).includes(',')) {
      throw new Error(
        'must be one Redis URL (redis://host:port/db); a list of nodes (Redis Cluster) is not supported',
      );
    }
    // Never echo the value: it may hold a password.
    if (!URL.canParse(value)) {
      throw new Error(
        'is not a valid URL (a bad port?); expected redis://[:password@]host[:port][/db]',
      );
    }
    const url = new URL(value);
    if (url.hostname === '')
      throw new Error('has no host; expected redis://[:password@]host[:port][/db]');
    if (!/^\/?(\d*)$/.test(url.pathname)) {
      throw new Error(
        'has a database that is not a number; expected redis://[:password@]host[:port][/db]',
      );
    }
    return { kind: 'single', url: value };
  }
  if (scheme !== 'redis+sentinel') {
    throw new Error('must start with redis://, rediss:// or redis+sentinel://');
  }
  const match =
    /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?#]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/i.exec(
      value,
    );
  if (!match) {
    throw new Error(
      'must be redis+sentinel://[password@]host[:port][,host[:port]...]/<master name>[/<db>]',
    );
  }
  const [, userinfo, hosts = '', name = '', db, query] = match;
  const sentinels = hosts.split(',').map((entry) => {
    const hostPort = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    const port = Number(hostPort?.[2] ?? SENTINEL_PORT);
    if (!hostPort?.[1] || port < 1 || port > 65535) {
      throw new Error(`"${entry}" is not a sentinel host[:port]`);
    }
    return { host: hostPort[1].replace(/^\[|\]$/g, ''), port };
  });
  const separator = userinfo?.indexOf(':') ?? -1;
  const decode = (text: string | undefined) =>
    text === undefined || text === '' ? undefined : decodeURIComponent(text);
  return {
    kind: 'sentinel',
    sentinels,
    name: decodeURIComponent(name),
    db: Number(db ?? 0),
    username: decode(separator >= 0 ? userinfo?.slice(0, separator) : undefined),
    password: decode(separator >= 0 ? userinfo?.slice(separator + 1) : userinfo),
    sentinelPassword: decode(
      new URLSearchParams(query ?? '').get('sentinel_password') ?? undefined,
    ),
  };
}
