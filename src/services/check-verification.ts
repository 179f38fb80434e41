import { isWellFormedCode } from '../domain/code.ts';
import {
  attemptsRemaining,
  type VerificationStatus,
  visibleStatus,
} from '../domain/verification.ts';
import { notFound, RefusedError } from './errors.ts';
import type { VerificationDeps } from './verification-deps.ts';

export interface CheckResult {
  id: string;
  valid: boolean;
  status: VerificationStatus;
  attemptsRemaining: number;
}

/**
 * Checks a code (OWASP ASVS 2.7/2.8): the attempt is counted atomically before the comparison,
 * argon2 compares in constant time, and approval consumes the code atomically, so N parallel
 * right codes approve once and N parallel guesses get at most the attempt budget.
 */
export async function checkVerification(
  deps: Pick<VerificationDeps, 'clock' | 'codes' | 'hasher' | 'metrics'>,
  input: { appId: string; id: string; code: string },
): Promise<CheckResult> {
  const current = await deps.codes.get(input.appId, input.id);
  if (!current) throw notFound();
  if (!isWellFormedCode(input.code, current.codeLength)) {
    throw new RefusedError(
      'invalid_code_format',
      `The code must be ${current.codeLength} digits; no attempt was spent.`,
    );
  }
  const now = deps.clock.now();
  const start = await deps.codes.beginCheck(input.appId, input.id, now);
  if (start.kind === 'not_found') throw notFound();
  if (start.kind === 'closed') {
    deps.metrics.codeChecked('closed');
    return answer(start.record, now, false);
  }
  if (await deps.hasher.verify(start.codeHash, input.code)) {
    const approval = await deps.codes.approve(input.appId, input.id, start.record.codeVersion, now);
    if (approval.approved && approval.record) {
      deps.metrics.codeChecked('approved');
      return answer(approval.record, now, true);
    }
    // Another request approved it first, or it was resent or cancelled meanwhile.
    deps.metrics.codeChecked('closed');
    return answer(approval.record ?? start.record, now, false);
  }
  deps.metrics.codeChecked('wrong');
  return answer(start.record, now, false);
}

function answer(
  record: Parameters<typeof visibleStatus>[0],
  now: number,
  valid: boolean,
): CheckResult {
  return {
    id: record.id,
    valid,
    status: visibleStatus(record, now),
    attemptsRemaining: attemptsRemaining(record),
  };
}
