import { createHash, randomBytes } from 'node:crypto';
import { type AccessStore, apiKeyHint, findApiKey, type Principal } from '../access/index.ts';
import { type AuditEventType, type AuditTrail, auditEvent } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Limiter, RateRule } from '../limits/index.ts';
import type { ConsoleSession, SessionStore } from './session-store.ts';

/**
 * Session lifetimes: 30 minutes idle, 8 hours at most, within the ranges the OWASP Session
 * Management Cheat Sheet gives for high-value applications ("Session Expiration").
 */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 8 * 3_600_000;

/**
 * Failed sign-ins per client address: 10 per 15 minutes. A key has 256 random bits, so this is not
 * what keeps it secret; it keeps a scanner from filling the audit trail and the key lookups
 * (OWASP ASVS 4.0 V2.2.1, anti-automation).
 */
export const SIGNIN_FAILURES: RateRule = {
  name: 'console_signin_failures',
  points: 10,
  durationSeconds: 15 * 60,
};

/** The app_id of a failed sign-in whose key belongs to no app (unknown or revoked). */
export const UNATTRIBUTED_APP_ID = 'unattributed';

export interface SessionDeps {
  access: AccessStore;
  sessions: SessionStore;
  limiter: Limiter;
  audit: AuditTrail;
  clock: Clock;
}

export interface Client {
  ip: string | null;
  userAgent: string | null;
}

export type SignInResult =
  | { ok: true; token: string; session: ConsoleSession }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number }
  | { ok: false; reason: 'unknown_key' | 'missing_scope' };

/**
 * Exchanges an API key with `audit:read` for a session. Each attempt spends one unit of the
 * address's failure budget before the key is looked up (parallel guesses cannot overshoot); a
 * success gives it back. Every outcome is an audit row.
 */
export async function signIn(
  deps: SessionDeps,
  input: { key: string; client: Client },
): Promise<SignInResult> {
  const { client } = input;
  const key = input.key.trim();
  const budget = await deps.limiter.consume(SIGNIN_FAILURES, client.ip ?? 'unknown');
  if (!budget.allowed) {
    await record(deps, UNATTRIBUTED_APP_ID, 'console.signin_failed', client, {
      outcome: 'refused',
      reason: 'rate_limited',
    });
    return { ok: false, reason: 'rate_limited', retryAfterMs: budget.retryAfterMs };
  }
  const principal = key === '' ? null : await findApiKey(deps.access, key);
  if (!principal) {
    // The hint is the key's public tag at most (apiKeyHint), never a part of its secret.
    await record(deps, UNATTRIBUTED_APP_ID, 'console.signin_failed', client, {
      outcome: 'refused',
      reason: 'unknown_key',
      detail: { key_hint: apiKeyHint(key) },
    });
    return { ok: false, reason: 'unknown_key' };
  }
  if (!principal.scopes.includes('audit:read')) {
    await record(deps, principal.app.id, 'console.signin_failed', client, {
      outcome: 'refused',
      reason: 'missing_scope',
      detail: { key_id: principal.keyId },
    });
    return { ok: false, reason: 'missing_scope' };
  }
  await deps.limiter.refund(SIGNIN_FAILURES, client.ip ?? 'unknown');
  const now = deps.clock.now();
  const session: ConsoleSession = {
    keyHash: deps.access.hasher.hash(key),
    keyId: principal.keyId,
    appId: principal.app.id,
    csrf: newToken(),
    createdAt: now,
    lastSeenAt: now,
  };
  // Recorded before the session exists: a sign-in that could not be audited does not happen.
  await deps.audit.commit([
    auditEvent(
      { app: principal.app, client },
      'console.signed_in',
      { outcome: 'ok', detail: { key_id: principal.keyId } },
      now,
    ),
  ]);
  const token = newToken();
  await deps.sessions.put(sessionId(token), session, SESSION_IDLE_MS);
  return { ok: true, token, session };
}

/**
 * The session a cookie names, if it is still alive: within both lifetimes, and its key still
 * active with `audit:read` (looked up again, so a revoked key ends its sessions as soon as the
 * API refuses it). Each use restarts the idle lifetime.
 */
export async function resumeSession(
  deps: Pick<SessionDeps, 'access' | 'sessions' | 'clock'>,
  token: string,
): Promise<{ session: ConsoleSession; principal: Principal } | null> {
  const id = sessionId(token);
  const session = await deps.sessions.get(id);
  if (!session) return null;
  const now = deps.clock.now();
  const age = now - session.createdAt;
  const principal =
    age < SESSION_ABSOLUTE_MS && now - session.lastSeenAt < SESSION_IDLE_MS
      ? await deps.access.findActiveKey(session.keyHash)
      : null;
  if (
    !principal ||
    principal.keyId !== session.keyId ||
    principal.app.id !== session.appId ||
    !principal.scopes.includes('audit:read')
  ) {
    await deps.sessions.delete(id);
    return null;
  }
  const touched = { ...session, lastSeenAt: now };
  await deps.sessions.put(id, touched, Math.min(SESSION_IDLE_MS, SESSION_ABSOLUTE_MS - age));
  return { session: touched, principal };
}

/** Ends a session (its row says who left); the cookie is cleared by the caller. */
export async function signOut(
  deps: Pick<SessionDeps, 'sessions' | 'audit' | 'clock'>,
  token: string,
  session: ConsoleSession,
  client: Client,
): Promise<void> {
  await deps.sessions.delete(sessionId(token));
  await record(deps, session.appId, 'console.signed_out', client, {
    outcome: 'ok',
    detail: { key_id: session.keyId },
  });
}

/** 256 random bits, URL-safe: session cookies and CSRF tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Refusals and sign-outs cannot be undone: their rows are committed, or spooled until they are. */
async function record(
  deps: Pick<SessionDeps, 'audit' | 'clock'>,
  appId: string,
  type: AuditEventType,
  client: Client,
  fields: { outcome: string; reason?: string; detail?: Record<string, unknown> },
): Promise<void> {
  await deps.audit.commitOrSpool([
    auditEvent({ app: { id: appId }, client }, type, fields, deps.clock.now()),
  ]);
}
