import { type ErrorLink, errorChain, linkCode } from './error-chain.ts';

/**
 * What a failed Postgres call says about Postgres, and about the statement it carried.
 * - `not-an-outage`: Postgres answered with an error of the query (a constraint, a syntax error,
 *   a raise in a function), or the error is not Postgres' at all. A bug: 500, never 503.
 * - `outage-nothing-done`: Postgres could not be reached (refused, unresolvable, connect timeout,
 *   pool or PGlite closed) or refused to serve (too many connections, out of resources). The
 *   statement did nothing.
 * - `outage-outcome-unknown`: the connection was lost or the server went away while in use. The
 *   statement may have committed before its answer was lost.
 */
export type PostgresFailure = 'not-an-outage' | 'outage-nothing-done' | 'outage-outcome-unknown';

// Node socket and DNS errors raised before the connection existed: nothing was sent.
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

// Node socket errors of a connection that may have carried the statement already. ETIMEDOUT is
// here because it is also what a dead established connection reports (TCP keepalive, retransmits).
const SOCKET_ERRORS = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ENOTCONN',
  'EPROTO',
  'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

// SQLSTATEs (PostgreSQL manual, appendix A) sent when a connection is being set up, so before any
// statement: 08001 cannot establish, 08004 server rejected, 57P03 cannot connect now (starting up,
// shutting down), 53300 too many connections.
const REFUSED_CONNECTION_STATES = new Set(['08001', '08004', '57P03', '53300']);

// The messages of errors that carry no code, from pg, pg-pool and PGlite, checked in this order:
// pg-pool's connect timeout starts like the "connection lost" one.
const MESSAGES: readonly [RegExp, PostgresFailure][] = [
  [/^Connection terminated due to connection timeout$/, 'outage-nothing-done'],
  [/^timeout exceeded when trying to connect$/, 'outage-nothing-done'],
  [/^Cannot use a pool after calling end on the pool$/, 'outage-nothing-done'],
  [/^Client has encountered a connection error and is not queryable$/, 'outage-nothing-done'],
  [/^Client was closed and is not queryable$/, 'outage-nothing-done'],
  [/^PGlite is clos(ed|ing)$/, 'outage-nothing-done'],
  [/^Connection terminated/, 'outage-outcome-unknown'],
  [/^Query read timeout$/, 'outage-outcome-unknown'],
];

const SQLSTATE = /^[0-9A-Z]{5}$/;
// Node error codes (EPIPE, ENOENT...) can have the shape of a SQLSTATE; no SQLSTATE class starts
// with E, so these are told apart.
const NODE_CODE = /^E[A-Z]+$|^ERR_/;

/**
 * Reads the whole chain, outermost first: drizzle wraps every driver error in a DrizzleQueryError
 * without a code, so the outer error alone says nothing. The first link that says something
 * decides; a chain where none does is not an outage.
 */
export function postgresFailure(error: unknown): PostgresFailure {
  for (const link of errorChain(error)) {
    const failure = linkFailure(link);
    if (failure) return failure;
  }
  return 'not-an-outage';
}

/** Whether Postgres was unreachable or unable to serve, as opposed to a bug: a 503, not a 500. */
export function isPostgresOutage(error: unknown): boolean {
  return postgresFailure(error) !== 'not-an-outage';
}

/** The SQLSTATE Postgres answered with, wherever it is in the chain. */
export function sqlState(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    const code = linkCode(link);
    if (code !== undefined && isSqlState(code)) return code;
  }
  return undefined;
}

function linkFailure(link: ErrorLink): PostgresFailure | undefined {
  const code = linkCode(link);
  if (code !== undefined) {
    if (CONNECT_ERRORS.has(code)) return 'outage-nothing-done';
    if (SOCKET_ERRORS.has(code)) return 'outage-outcome-unknown';
    if (isSqlState(code)) return stateFailure(code);
  }
  if (typeof link.message === 'string') {
    const message = link.message;
    for (const [pattern, failure] of MESSAGES) if (pattern.test(message)) return failure;
  }
  return undefined;
}

/**
 * Classes 08 (connection exception), 53 (insufficient resources) and 57 (operator intervention:
 * shutdown, cancel) are outages; every other class is an answer to the query itself: 23 integrity
 * constraint, 42 syntax or undefined object, 22 data exception, P0 a raise...
 */
function stateFailure(state: string): PostgresFailure {
  if (REFUSED_CONNECTION_STATES.has(state) || state.startsWith('53')) return 'outage-nothing-done';
  if (state.startsWith('08') || state.startsWith('57')) return 'outage-outcome-unknown';
  return 'not-an-outage';
}

function isSqlState(code: string): boolean {
  return SQLSTATE.test(code) && !NODE_CODE.test(code);
}
