import { CODE_LENGTH, type CodePolicy, TTL_SECONDS } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';

/**
 * The code length and validity a request gets under its app's code policy: what it asked for, or
 * by default 6 digits and 600 s brought within the policy (an app that requires 8 digits gets 8).
 * A request asking for fewer digits or a longer validity than the policy allows is refused (422
 * naming the field and the bound), before anything is spent or recorded.
 */
export function applyCodePolicy(
  policy: CodePolicy,
  request: { codeLength?: number | undefined; ttlSeconds?: number | undefined },
): { codeLength: number; ttlSeconds: number } {
  const codeLength = request.codeLength ?? Math.max(CODE_LENGTH.default, policy.minCodeLength);
  const ttlSeconds = request.ttlSeconds ?? Math.min(TTL_SECONDS.default, policy.maxTtlSeconds);
  if (codeLength < policy.minCodeLength) {
    throw outsidePolicy('code_length', policy.minCodeLength, 'must be at least');
  }
  if (ttlSeconds > policy.maxTtlSeconds) {
    throw outsidePolicy('ttl_seconds', policy.maxTtlSeconds, 'must be at most');
  }
  return { codeLength, ttlSeconds };
}

function outsidePolicy(field: string, limit: number, rule: string): RefusedError {
  return new RefusedError('outside_code_policy', `${field} ${rule} ${limit} for this app.`, {
    field,
    limit,
  });
}
