import { type Logger, pino } from 'pino';
import { serializeError } from './log-error.ts';

/**
 * Structured logs. Tessera only logs fields it chose (never request bodies); an error is logged
 * with what says what failed, never the SQL, parameters or command arguments it carried
 * (log-error.ts); redaction is the safety net for headers and secrets beside it.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'secretKey',
          '*.secretKey',
          'metricsToken',
          '*.metricsToken',
          'code',
          '*.code',
          'to',
          '*.to',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
