import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ChainedAuditEvent,
  canonicalEvent,
  chainHash,
  GENESIS_HASH,
  verifyChain,
} from '../../src/audit/hash-chain.ts';
import type { AuditEvent } from '../../src/audit/types.ts';

function event(overrides: Partial<AuditEvent & { id: string }> = {}): AuditEvent & { id: string } {
  return {
    id: 'evt_AAAAAAAAAAAAAAAAAAAAAA',
    appId: 'app_1',
    type: 'verification.created',
    verificationId: 'ver_1',
    purpose: 'login',
    phoneMasked: '+33 6•• •• •• 78',
    phoneHmac: 'a'.repeat(64),
    clientIp: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    outcome: 'ok',
    reason: null,
    detail: { route: 'primary', nested: { b: 1, a: [1, { z: true, y: null }] } },
    createdAt: new Date('2026-03-01T12:34:56.789Z'),
    ...overrides,
  };
}

function chain(events: Array<AuditEvent & { id: string }>): ChainedAuditEvent[] {
  let prevHash = GENESIS_HASH;
  return events.map((item) => {
    const hash = chainHash(prevHash, canonicalEvent(item));
    const row = { ...item, prevHash, hash };
    prevHash = hash;
    return row;
  });
}

function events(count: number): Array<AuditEvent & { id: string }> {
  return Array.from({ length: count }, (_, index) =>
    event({ id: `evt_${String(index).padStart(22, '0')}`, detail: { index } }),
  );
}

describe('canonicalEvent', () => {
  it('does not depend on key order, at any depth', () => {
    const a = event({ detail: { b: 1, a: { y: 2, x: [3, { d: 4, c: 5 }] }, 10: 'n', 2: 'm' } });
    const b = event({ detail: { 2: 'm', a: { x: [3, { c: 5, d: 4 }], y: 2 }, 10: 'n', b: 1 } });
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;

    expect(canonicalEvent(a)).toBe(canonicalEvent(b));
    expect(canonicalEvent(reordered)).toBe(canonicalEvent(a));
  });

  it('sorts keys, keeps nulls and writes created_at with milliseconds', () => {
    const text = canonicalEvent(
      event({
        detail: { b: 1, 10: 'x', 2: 'y', a: null },
        createdAt: new Date(Date.UTC(2026, 0, 2)),
      }),
    );
    const parsed = JSON.parse(text) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual([
      'app_id',
      'client_ip',
      'created_at',
      'detail',
      'id',
      'outcome',
      'phone_hmac',
      'phone_masked',
      'purpose',
      'reason',
      'type',
      'user_agent',
      'verification_id',
    ]);
    expect(parsed.reason).toBeNull();
    expect(parsed.created_at).toBe('2026-01-02T00:00:00.000Z');
    // Sorted as strings, not as an object literal would enumerate them (integer-like keys first).
    expect(text).toContain('"detail":{"10":"x","2":"y","a":null,"b":1}');
  });

  it('hashes what jsonb stores: undefined members dropped, dates as strings', () => {
    const withUndefined = event({ detail: { a: 1, gone: undefined, at: new Date(0) } });
    const asStored = event({ detail: { a: 1, at: '1970-01-01T00:00:00.000Z' } });

    expect(canonicalEvent(withUndefined)).toBe(canonicalEvent(asStored));
  });

  it('changes when any field changes', () => {
    const base = canonicalEvent(event());
    const changes: Array<Partial<AuditEvent & { id: string }>> = [
      { id: 'evt_BBBBBBBBBBBBBBBBBBBBBB' },
      { appId: 'app_2' },
      { type: 'sms.sent' },
      { verificationId: null },
      { purpose: 'signup' },
      { phoneMasked: '+33 6•• •• •• 79' },
      { phoneHmac: 'b'.repeat(64) },
      { clientIp: '203.0.113.8' },
      { userAgent: 'curl/8' },
      { outcome: 'refused' },
      { reason: 'phone_send_hour' },
      { reason: '' },
      { detail: {} },
      { detail: { route: 'primary', nested: { b: 1, a: [1, { z: true, y: 0 }] } } },
      { createdAt: new Date('2026-03-01T12:34:56.790Z') },
    ];
    const seen = new Set([base]);
    for (const change of changes) {
      const text = canonicalEvent(event(change));
      expect(seen.has(text), JSON.stringify(change)).toBe(false);
      seen.add(text);
    }
  });
});

describe('chainHash', () => {
  it('is the hex SHA-256 of prev_hash followed by the canonical event', () => {
    const canonical = canonicalEvent(event());
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonical)
      .digest('hex');

    expect(chainHash(GENESIS_HASH, canonical)).toBe(expected);
    expect(chainHash(GENESIS_HASH, canonical)).toMatch(/^[0-9a-f]{64}$/);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = chain(events(5));

    expect(verifyChain(rows)).toEqual({ ok: true, checked: 5, head: rows[4]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0, head: GENESIS_HASH });
  });

  it('continues from a given head, as when checking page by page', () => {
    const rows = chain(events(6));
    const first = verifyChain(rows.slice(0, 3));
    if (!first.ok) throw new Error('first page should verify');

    expect(verifyChain(rows.slice(3), first)).toEqual({
      ok: true,
      checked: 6,
      head: rows[5]!.hash,
    });
  });

  it('reports an edited row', () => {
    const rows = chain(events(5));
    rows[2] = { ...rows[2]!, outcome: 'refused' };

    expect(verifyChain(rows)).toEqual({ ok: false, checked: 2, brokenAt: rows[2]!.id });
  });

  it('reports an edited row whose own hash was recomputed, at the row after it', () => {
    const rows = chain(events(5));
    const edited = { ...rows[2]!, clientIp: '198.51.100.1' };
    rows[2] = { ...edited, hash: chainHash(edited.prevHash, canonicalEvent(edited)) };

    expect(verifyChain(rows)).toEqual({ ok: false, checked: 3, brokenAt: rows[3]!.id });
  });

  it('reports a removed row', () => {
    const rows = chain(events(5));
    const removed = [...rows.slice(0, 2), ...rows.slice(3)];

    expect(verifyChain(removed)).toEqual({ ok: false, checked: 2, brokenAt: rows[3]!.id });
    expect(verifyChain(rows.slice(1))).toEqual({ ok: false, checked: 0, brokenAt: rows[1]!.id });
  });

  it('reports reordered rows', () => {
    const rows = chain(events(5));
    const swapped = [rows[0]!, rows[2]!, rows[1]!, rows[3]!, rows[4]!];

    expect(verifyChain(swapped)).toEqual({ ok: false, checked: 1, brokenAt: rows[2]!.id });
  });

  it('reports a forged hash and a forged prev_hash', () => {
    const rows = chain(events(3));

    const forgedHash = [...rows];
    forgedHash[1] = { ...rows[1]!, hash: 'f'.repeat(64) };
    expect(verifyChain(forgedHash)).toMatchObject({ ok: false, brokenAt: rows[1]!.id });

    const forgedPrev = [...rows];
    forgedPrev[0] = { ...rows[0]!, prevHash: 'f'.repeat(64) };
    expect(verifyChain(forgedPrev)).toMatchObject({ ok: false, brokenAt: rows[0]!.id });
  });
});
