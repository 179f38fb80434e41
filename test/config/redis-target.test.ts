import { describe, expect, it } from 'vitest';
import { parseRedisTarget } from '../../src/config/redis-target.ts';

describe('REDIS_URL', () => {
  it('takes one Redis as it is', () => {
    expect(parseRedisTarget('redis://:pw@10.0.0.5:6380/2')).toEqual({
      kind: 'single',
      url: 'redis://:pw@10.0.0.5:6380/2',
    });
    expect(parseRedisTarget('rediss://cache.example:6380')).toMatchObject({ kind: 'single' });
  });

  it('reads a Sentinel URL: the sentinels, the master name, the db and the passwords', () => {
    expect(
      parseRedisTarget(
        'redis+sentinel://app:s%40cret@10.0.0.1,10.0.0.2:26380,[::1]:26381/tessera-main/3?sentinel_password=sp',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'tessera-main',
      db: 3,
      username: 'app',
      password: 's@cret',
      sentinelPassword: 'sp',
    });
    expect(parseRedisTarget('redis+sentinel://:pw@sentinel/mymaster')).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 'sentinel', port: 26379 }],
      name: 'mymaster',
      db: 0,
      username: undefined,
      password: 'pw',
      sentinelPassword: undefined,
    });
  });

  it.each([
    ['redis://a:6379,b:6379', 'a list of nodes (Redis Cluster) is not supported'],
    ['redis+sentinel://sentinel:26379', 'master name'],
    ['redis+sentinel://sentinel:99999/m', 'is not a sentinel host[:port]'],
    ['memcached://x', 'must start with redis://'],
    ['localhost:6379', 'must start with redis://'],
  ])('refuses %s, saying why', (value, why) => {
    expect(() => parseRedisTarget(value)).toThrow(why);
  });
});
