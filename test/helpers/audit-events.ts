import type { AuditEvent } from '../../src/audit/types.ts';

/** An audit event with every column filled (a masked number, never a clear one), as tests need. */
export function makeAuditEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    appId: 'app_audit',
    type: 'verification.created',
    verificationId: 'ver_1',
    purpose: 'login',
    phoneMasked: '+33 6•• •• •• 78',
    phoneHmac: 'c'.repeat(64),
    clientIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    outcome: 'ok',
    reason: null,
    detail: {},
    createdAt: new Date(),
    ...overrides,
  };
}
