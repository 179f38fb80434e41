import { type Actor, auditEvent } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { notFound, RefusedError } from '../kernel/errors.ts';
import { createUndo } from '../kernel/undo.ts';
import { refuseForLimit, refuseIfLocked, spendSendLimits } from '../limits/index.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { boundCode, generateCode } from './code.ts';
import type { ReplaceCodeResult } from './code-store/code-store.ts';
import type { VerificationDeps } from './deps.ts';
import { type VerificationRecord, visibleStatus } from './record.ts';
import { sendCode } from './send-code.ts';

/**
 * Sends a new code on the same verification; the previous code stops working and attempts are not
 * refilled. This verification's cooldown and send cap, then the number's lock, its cooldown and the
 * sender's limits, are checked before any argon2 work; the first two again atomically with the
 * replacement.
 */
export async function resendVerification(
  deps: VerificationDeps,
  input: { actor: Actor; id: string },
): Promise<VerificationRecord> {
  const { actor } = input;
  const appId = actor.app.id;
  const { limits } = parseAppSettings(actor.app.settings);
  const cooldownMs = limits.resendCooldownSeconds * 1000;
  const current = await deps.codes.get(appId, input.id);
  if (!current) throw notFound();
  const readAt = deps.clock.now();
  await refuseUnlessReplaced(deps, actor, precheck(current, readAt, cooldownMs), readAt);

  const subject = { appId, phoneHmac: current.phoneHmac, ip: actor.client.ip };
  await refuseIfLocked(deps, actor, limits, subject, { verification: current });
  const spent = await spendSendLimits(
    deps,
    limits,
    subject,
    countLost(deps.metrics, 'limit_refund'),
  );
  if (!spent.ok)
    return refuseForLimit(deps, actor, { verification: current }, spent.limit, spent.retryAfterMs);
  const undo = createUndo();
  undo.push(spent.refund);
  try {
    const code = generateCode(current.codeLength);
    const codeHash = await deps.hasher.hash(boundCode(code, current.binding));
    const now = deps.clock.now();
    const result = await deps.codes.replaceCode(appId, input.id, codeHash, now, cooldownMs);
    const record = await refuseUnlessReplaced(deps, actor, result, now);
    await deps.audit.commit([
      auditEvent(
        actor,
        'verification.resent',
        { verification: record, outcome: 'ok', detail: { send_count: record.sendCount } },
        now,
      ),
    ]);
    const to = deps.phones.open(record.phoneSealed, record.id);
    const sent = await sendCode(deps, actor, record, to, code, undo);
    await deps.observers
      .notify(sent, 'resent', now)
      .catch(countLost(deps.metrics, 'verification_observer'));
    return sent;
  } catch (error) {
    await undo.run();
    throw error;
  }
}

/** The same verdicts the store gives, computed from a read, so a refused resend costs no hash. */
function precheck(record: VerificationRecord, now: number, cooldownMs: number): ReplaceCodeResult {
  if (visibleStatus(record, now) !== 'pending') return { kind: 'closed', record };
  if (record.sendCount >= record.maxSends) return { kind: 'max_sends', record };
  const readyAt = record.lastSentAt + cooldownMs;
  if (now < readyAt) return { kind: 'cooldown', record, retryAfterMs: readyAt - now };
  return { kind: 'replaced', record };
}

async function refuseUnlessReplaced(
  deps: VerificationDeps,
  actor: Actor,
  result: ReplaceCodeResult,
  now: number,
): Promise<VerificationRecord> {
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
      return refuseForLimit(
        deps,
        actor,
        { verification: result.record },
        'verification_sends',
        Math.max(1000, result.record.expiresAt - now),
      );
    case 'cooldown':
      return refuseForLimit(
        deps,
        actor,
        { verification: result.record },
        'resend_cooldown',
        result.retryAfterMs,
      );
  }
}
