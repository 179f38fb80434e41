import { ReplyError } from 'ioredis';
import { type Dependency, DependencyUnavailableError } from './errors.ts';

/**
 * Wraps every async method of a store so that an outage (not a bug) surfaces as one typed
 * DependencyUnavailableError, which the HTTP layer turns into a 503 that changes nothing.
 */
export function guardAvailability<T extends object>(
  store: T,
  dependency: Dependency,
  isOutage: (error: unknown) => boolean,
): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          throw isOutage(error)
            ? new DependencyUnavailableError(dependency, { cause: error })
            : error;
        }
      };
    },
  });
}

/** A Redis error reply (a script bug) is not an outage; a closed or unwritable connection is. */
export const isRedisOutage = (error: unknown): boolean => !(error instanceof ReplyError);

/**
 * SQLSTATE classes 08 (connection), 53 (resources) and 57 (operator intervention, e.g. shutdown)
 * are outages, and so is any error without a SQLSTATE (refused, reset, timed out). Other SQLSTATEs
 * are bugs in our queries and must not hide as 503s.
 */
export function isPostgresOutage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|53|57)/.test(code);
}
