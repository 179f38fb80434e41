import { generateSecret, generateURI } from 'otplib';
import QRCode from 'qrcode';
import type { AuditEvent, AuditEventType } from '../audit/index.ts';
import { type Actor, auditEvent } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { decrypt, encrypt } from '../kernel/crypto/aead.ts';
import { RefusedError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { createUndo } from '../kernel/undo.ts';
import { reserveCheck } from '../limits/index.ts';
import { countLost } from '../telemetry/lost-write.ts';
import type { TotpDeps } from './deps.ts';
import {
  isTotpCodeShape,
  matchingSteps,
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './factor.ts';
import type { TotpFactorRecord } from './store.ts';

/** 20 bytes = 160 bits, the length RFC 4226 §4 recommends for the shared secret. */
const SECRET_BYTES = 20;

export const factorNotFound = () =>
  new RefusedError('factor_not_found', 'No TOTP factor with this id exists for this app.');

/**
 * The user's HMAC, under the app's key: failed-attempt counters and audit rows join on it, never
 * on the clear ref, and one user_ref in two apps gives two unrelated HMACs.
 */
export function userHmac(deps: Pick<TotpDeps, 'phones'>, appId: string, userRef: string): string {
  return deps.phones.hmac(appId, `totp:${userRef}`);
}

/** One audit row about a factor: its id in verification_id, the user only as an HMAC. */
export function totpEvent(
  deps: Pick<TotpDeps, 'phones'>,
  actor: Actor,
  type: Extract<AuditEventType, `totp.${string}`>,
  factor: { id: string | null; userRef: string },
  outcome: string,
  reason: string | null,
  now: number,
  detail: Record<string, unknown> = {},
): AuditEvent {
  return {
    ...auditEvent(actor, type, { outcome, reason }, now),
    verificationId: factor.id,
    detail: { user_hmac: userHmac(deps, actor.app.id, factor.userRef), ...detail },
  };
}

export interface Enrolment {
  factor: TotpFactorRecord;
  /** Base32; in this answer only, never stored in clear or logged. */
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** Enrols an unverified factor with a fresh secret, sealed to its id (AES-256-GCM, AAD = id). */
export async function enrolTotpFactor(
  deps: TotpDeps,
  input: { actor: Actor; userRef: string; label?: string; issuer?: string },
): Promise<Enrolment> {
  const { actor } = input;
  const { totp } = parseAppSettings(actor.app.settings);
  const now = deps.clock.now();
  const id = newId('tot');
  const secret = generateSecret({ length: SECRET_BYTES });
  const factor: TotpFactorRecord = {
    id,
    appId: actor.app.id,
    userRef: input.userRef,
    label: input.label ?? input.userRef,
    issuer: input.issuer ?? actor.app.brand ?? actor.app.name,
    algorithm: totp.algorithm,
    digits: totp.digits,
    period: totp.period,
    secretSealed: encrypt(deps.secretKey, secret, id),
    status: 'unverified',
    lastUsedStep: null,
    failedAttempts: 0,
    createdAt: new Date(now),
    confirmedAt: null,
  };
  const otpauthUri = withExplicitParameters(
    generateURI({
      issuer: factor.issuer,
      label: factor.label,
      secret,
      algorithm: factor.algorithm,
      digits: factor.digits,
      period: factor.period,
    }),
    factor,
  );
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M' });
  await deps.store.insert(factor);
  const undo = createUndo();
  undo.push(() => deps.store.discard(id).catch(countLost(deps.metrics, 'totp_factor_discard')));
  try {
    await deps.audit.commit([
      totpEvent(deps, actor, 'totp.enrolled', factor, 'ok', null, now, parameters(factor)),
    ]);
  } catch (error) {
    await undo.run();
    throw error;
  }
  return { factor, secret, otpauthUri, qrSvg };
}

/**
 * otplib leaves out parameters equal to the Key Uri Format defaults (SHA1, 6, 30); they are
 * written anyway so an app never has to guess what its factor uses.
 */
function withExplicitParameters(uri: string, factor: TotpFactorRecord): string {
  const query = new URL(uri).searchParams;
  const missing = [
    ['algorithm', factor.algorithm.toUpperCase()],
    ['digits', String(factor.digits)],
    ['period', String(factor.period)],
  ].filter(([name]) => !query.has(name as string));
  return missing.reduce((out, [name, value]) => `${out}&${name}=${value}`, uri);
}

const parameters = (f: TotpFactorRecord) => ({
  algorithm: f.algorithm,
  digits: f.digits,
  period: f.period,
});

/** The clear secret, only in memory for the time of one comparison. */
export function openSecret(deps: Pick<TotpDeps, 'secretKey'>, factor: TotpFactorRecord): string {
  if (!factor.secretSealed) throw new Error(`factor ${factor.id} has no secret`);
  return decrypt(deps.secretKey, factor.secretSealed, factor.id);
}

/**
 * Activates a factor with a current code, which proves the authenticator holds the secret, and
 * issues its recovery codes (shown once, stored as peppered argon2id hashes). A wrong code spends
 * one unit of the user's failed-check budget, like an SMS check.
 */
export async function confirmTotpFactor(
  deps: TotpDeps,
  input: { actor: Actor; id: string; code: string },
): Promise<{ factor: TotpFactorRecord; recoveryCodes: string[] }> {
  const { actor } = input;
  const factor = await deps.store.get(actor.app.id, input.id);
  if (!factor) throw factorNotFound();
  if (factor.status !== 'unverified')
    throw new RefusedError('factor_closed', 'This factor is already confirmed.');
  if (!isTotpCodeShape(input.code, factor.digits))
    throw new RefusedError(
      'invalid_code_format',
      `The code must be ${factor.digits} digits; no attempt was spent.`,
    );
  const { limits } = parseAppSettings(actor.app.settings);
  const subject = {
    appId: actor.app.id,
    phoneHmac: userHmac(deps, actor.app.id, factor.userRef),
    ip: actor.client.ip,
  };
  const reservation = await reserveCheck(deps, actor, limits, subject, {
    detail: { factor_id: factor.id },
  });
  const undo = createUndo();
  undo.push(reservation.refund);
  try {
    const now = deps.clock.now();
    const step = matchingSteps(openSecret(deps, factor), parameters(factor), input.code, now)[0];
    if (step === undefined) {
      await deps.audit.commit([
        totpEvent(deps, actor, 'totp.failed', factor, 'refused', 'wrong_code', now, {
          stage: 'confirm',
        }),
      ]);
      // A wrong code keeps what it spent.
      undo.commit();
      throw new RefusedError(
        'invalid_code',
        'The code is not the current one; the factor stays unverified.',
      );
    }
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const hashes = await Promise.all(
      recoveryCodes.map((code) => deps.hasher.hash(normalizeRecoveryCode(code) as string)),
    );
    const confirmed = await deps.store.confirm(
      actor.app.id,
      factor.id,
      step,
      new Date(now),
      hashes,
    );
    if (!confirmed) {
      // A parallel confirmation or a deletion won: the check stays spent, its failure unit not.
      undo.commit();
      await reservation.giveBackFailure();
      throw new RefusedError('factor_closed', 'This factor is already confirmed or was deleted.');
    }
    // No confirmation without its audit row.
    undo.push(() => deps.store.revertConfirm(factor.id));
    await deps.audit.commit([
      totpEvent(deps, actor, 'totp.confirmed', confirmed, 'ok', null, now, parameters(confirmed)),
    ]);
    undo.commit();
    await reservation.clearFailures();
    return { factor: confirmed, recoveryCodes };
  } catch (error) {
    await undo.run();
    throw error;
  }
}

/** Lists a user's live factors; the read is audited (who looked at which user's factors). */
export async function listTotpFactors(deps: TotpDeps, input: { actor: Actor; userRef: string }) {
  const factors = await deps.store.listForUser(input.actor.app.id, input.userRef);
  await deps.audit.commit([
    totpEvent(
      deps,
      input.actor,
      'totp.listed',
      { id: null, userRef: input.userRef },
      'ok',
      null,
      deps.clock.now(),
      {
        factors: factors.length,
      },
    ),
  ]);
  return factors;
}

/** Deletes a factor: its secret and recovery codes are erased, so it can never verify again. */
export async function deleteTotpFactor(
  deps: TotpDeps,
  input: { actor: Actor; id: string },
): Promise<TotpFactorRecord> {
  const now = deps.clock.now();
  const removed = await deps.store.remove(input.actor.app.id, input.id, new Date(now));
  if (!removed) throw factorNotFound();
  // The secret is already erased and cannot be put back: the row is retried until Postgres takes it.
  await deps.audit.commitOrSpool([
    totpEvent(deps, input.actor, 'totp.deleted', removed, 'ok', null, now),
  ]);
  return removed;
}
