import { ReplyError } from 'ioredis';
import { errorChain } from './error-chain.ts';
import { type Dependency, DependencyUnavailableError } from './errors.ts';

export { isPostgresOutage } from './postgres-failure.ts';

/**
 * Wraps every async method of a store so that an outage (not a bug) surfaces as one typed
 * DependencyUnavailableError, which the HTTP layer turns into a 503 that changes nothing. Any
 * other error is rethrown as it is: a bug must reach the HTTP layer as a 500, logged with its stack.
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
          // Already typed by an inner guard: one wrapper is enough.
          if (error instanceof DependencyUnavailableError) throw error;
          throw isOutage(error)
            ? new DependencyUnavailableError(dependency, { cause: error })
            : error;
        }
      };
    },
  });
}

/**
 * A Redis error reply (a script bug), wrapped or not, is not an outage; a closed or unwritable
 * connection is.
 */
export const isRedisOutage = (error: unknown): boolean =>
  ![...errorChain(error)].some((link) => link instanceof ReplyError);
