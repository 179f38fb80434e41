import { type Logger, pino } from 'pino';

/**
 * Structured logs. Tessera only logs fields it chose (never request bodies), and redaction is the
 * safety net for headers and secrets that could slip into an error object.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
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
