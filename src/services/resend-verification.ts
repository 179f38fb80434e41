import { generateCode } from '../domain/code.ts';
import {
  VERIFICATION_POLICY,
  type VerificationRecord,
  visibleStatus,
} from '../domain/verification.ts';
import { notFound, RefusedError } from './errors.ts';
import type { AppRecord, ReplaceCodeResult } from './ports.ts';
import { sendCode } from './send-code.ts';
import type { VerificationDeps } from './verification-deps.ts';

/**
 * Sends a new code on the same verification; the previous code stops working and attempts are not
 * refilled. Cooldown and send cap are checked before any argon2 work, then again atomically.
 */
export async function resendVerification(
  deps: VerificationDeps,
  input: { app: AppRecord; id: string },
): Promise<VerificationRecord> {
  const cooldownMs = VERIFICATION_POLICY.resendCooldownMs;
  const current = await deps.codes.get(input.app.id, input.id);
  if (!current) throw notFound();
  const readAt = deps.clock.now();
  refuseUnlessReplaced(precheck(current, readAt, cooldownMs), readAt);

  const code = generateCode(current.codeLength);
  const codeHash = await deps.hasher.hash(code);
  const now = deps.clock.now();
  const result = await deps.codes.replaceCode(input.app.id, input.id, codeHash, now, cooldownMs);
  const record = refuseUnlessReplaced(result, now);
  const to = deps.phones.open(record.phoneSealed, record.id);
  return sendCode(deps, input.app, record, to, code);
}

/** The same verdicts the store gives, computed from a read, so a refused resend costs no hash. */
function precheck(record: VerificationRecord, now: number, cooldownMs: number): ReplaceCodeResult {
  if (visibleStatus(record, now) !== 'pending') return { kind: 'closed', record };
  if (record.sendCount >= record.maxSends) return { kind: 'max_sends', record };
  const readyAt = record.lastSentAt + cooldownMs;
  if (now < readyAt) return { kind: 'cooldown', record, retryAfterMs: readyAt - now };
  return { kind: 'replaced', record };
}

function refuseUnlessReplaced(result: ReplaceCodeResult, now: number): VerificationRecord {
  switch (result.kind) {
    case 'replaced':
      return result.record;
    case 'not_found':
      throw notFound();
    case 'closed':
      throw new RefusedError(
        'verification_closed',
        `This verification is ${visibleStatus(result.record, now)}; start a new one.`,
      );
    case 'max_sends':
      throw new RefusedError('rate_limited', 'This verification has used all its sends.', {
        limit: 'verification_sends',
        retryAfterSeconds: Math.max(1, Math.ceil((result.record.expiresAt - now) / 1000)),
      });
    case 'cooldown':
      throw new RefusedError('rate_limited', 'Wait before sending another code.', {
        limit: 'resend_cooldown',
        retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000),
      });
  }
}
