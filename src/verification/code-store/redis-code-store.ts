import type { Redis } from 'ioredis';
import { identityOf, type VerificationRecord } from '../record.ts';
import type { CodeStore } from './code-store.ts';
import { createIdentityCache, type IdentityCache } from './identity-cache.ts';
import { fromFlatList, toFields } from './record-fields.ts';
import * as scripts from './redis-scripts.ts';

type Reply = [string, string[]?, string?];

interface ScriptedRedis {
  tesseraCreate(...args: (string | number)[]): Promise<string>;
  tesseraPending(...args: (string | number)[]): Promise<string>;
  tesseraBeginCheck(...args: (string | number)[]): Promise<Reply>;
  tesseraApprove(...args: (string | number)[]): Promise<Reply>;
  tesseraReplaceCode(...args: (string | number)[]): Promise<Reply>;
  tesseraCancel(...args: (string | number)[]): Promise<Reply>;
  tesseraSetDelivery(...args: (string | number)[]): Promise<number>;
  tesseraRevertApproval(...args: (string | number)[]): Promise<Reply>;
  tesseraRefundAttempt(...args: (string | number)[]): Promise<number>;
  tesseraWithdrawCheck(...args: (string | number)[]): Promise<number>;
}

const COMMANDS: Record<keyof ScriptedRedis, { numberOfKeys: number; lua: string }> = {
  tesseraCreate: { numberOfKeys: 3, lua: scripts.CREATE },
  tesseraPending: { numberOfKeys: 1, lua: scripts.PENDING },
  tesseraBeginCheck: { numberOfKeys: 2, lua: scripts.BEGIN_CHECK },
  tesseraApprove: { numberOfKeys: 2, lua: scripts.APPROVE },
  tesseraReplaceCode: { numberOfKeys: 2, lua: scripts.REPLACE_CODE },
  tesseraCancel: { numberOfKeys: 2, lua: scripts.CANCEL },
  tesseraSetDelivery: { numberOfKeys: 1, lua: scripts.SET_DELIVERY },
  tesseraRevertApproval: { numberOfKeys: 2, lua: scripts.REVERT_APPROVAL },
  tesseraRefundAttempt: { numberOfKeys: 1, lua: scripts.REFUND_ATTEMPT },
  tesseraWithdrawCheck: { numberOfKeys: 1, lua: scripts.WITHDRAW_CHECK },
};

export interface RedisCodeStoreOptions {
  redis: Redis;
  keyPrefix: string;
  /** How long a verification stays readable after its code expired. */
  retentionMs: number;
  /** Identities this process knows (default: a bounded cache of its own). */
  identities?: IdentityCache;
}

/** Code store on Redis: every transition is one Lua script, every key carries a TTL. */
export function createRedisCodeStore({
  redis,
  keyPrefix,
  retentionMs,
  identities = createIdentityCache(),
}: RedisCodeStoreOptions): CodeStore {
  for (const [name, { numberOfKeys, lua }] of Object.entries(COMMANDS)) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }
  const r = redis as unknown as Redis & ScriptedRedis;
  const recordPrefix = (appId: string) => `${keyPrefix}ver:${appId}:`;
  const codePrefix = (appId: string) => `${keyPrefix}code:${appId}:`;
  const pendingPrefix = (appId: string) => `${keyPrefix}pending:${appId}:`;
  const pendingKey = (appId: string, purpose: string, phoneHmac: string) =>
    `${pendingPrefix(appId)}${purpose}:${phoneHmac}`;
  const keys = (appId: string, id: string) => [recordPrefix(appId) + id, codePrefix(appId) + id];
  const record = (reply: Reply): VerificationRecord => fromFlatList(reply[1] ?? []);
  const read = async (appId: string, id: string): Promise<VerificationRecord | null> => {
    const fields = await r.hgetall(keys(appId, id)[0] as string);
    return Object.keys(fields).length === 0 ? null : fromFlatList(Object.entries(fields).flat());
  };

  return {
    async create(rec, codeHash) {
      const codeTtlMs = rec.expiresAt - rec.createdAt;
      const superseded = await r.tesseraCreate(
        ...keys(rec.appId, rec.id),
        pendingKey(rec.appId, rec.purpose, rec.phoneHmac),
        codeTtlMs + retentionMs,
        codeTtlMs,
        recordPrefix(rec.appId),
        codePrefix(rec.appId),
        codeHash,
        rec.id,
        ...Object.entries(toFields(rec)).flat(),
      );
      identities.remember(identityOf(rec));
      return { superseded: superseded || null };
    },

    async pendingFor(appId, purpose, phoneHmac) {
      const id = await r.tesseraPending(pendingKey(appId, purpose, phoneHmac), recordPrefix(appId));
      return id || null;
    },

    get: read,

    async identify(appId, id, now) {
      const known = identities.lookup(appId, id, now);
      if (known) return known;
      const stored = await read(appId, id);
      if (!stored) return null;
      const identity = identityOf(stored);
      identities.remember(identity);
      return identity;
    },

    async beginCheck(appId, id, now, checkToken = '') {
      const reply = await r.tesseraBeginCheck(...keys(appId, id), now, checkToken);
      if (reply[0] === 'not_found') return { kind: 'not_found' };
      if (reply[0] === 'closed') return { kind: 'closed', record: record(reply) };
      return { kind: 'evaluate', record: record(reply), codeHash: reply[2] as string };
    },

    async approve(appId, id, codeVersion, now) {
      const reply = await r.tesseraApprove(...keys(appId, id), now, codeVersion);
      if (reply[0] === 'not_found') return { approved: false, record: null };
      return { approved: reply[0] === 'approved', record: record(reply) };
    },

    async replaceCode(appId, id, codeHash, now, cooldownMs) {
      const reply = await r.tesseraReplaceCode(
        ...keys(appId, id),
        now,
        codeHash,
        cooldownMs,
        retentionMs,
        pendingPrefix(appId),
      );
      switch (reply[0]) {
        case 'not_found':
          return { kind: 'not_found' };
        case 'cooldown':
          return { kind: 'cooldown', record: record(reply), retryAfterMs: Number(reply[2]) };
        case 'max_sends':
          return { kind: 'max_sends', record: record(reply) };
        case 'replaced':
          return { kind: 'replaced', record: record(reply) };
        default:
          return { kind: 'closed', record: record(reply) };
      }
    },

    async cancel(appId, id, now) {
      const reply = await r.tesseraCancel(...keys(appId, id), now);
      return reply[0] === 'not_found' ? null : record(reply);
    },

    async revertApproval(appId, id, codeVersion, codeHash, now) {
      const reply = await r.tesseraRevertApproval(...keys(appId, id), now, codeVersion, codeHash);
      return reply[0] === 'reverted';
    },

    async refundAttempt(appId, id, codeVersion) {
      await r.tesseraRefundAttempt(keys(appId, id)[0] as string, codeVersion);
    },

    async withdrawCheck(appId, id, checkToken) {
      return (await r.tesseraWithdrawCheck(keys(appId, id)[0] as string, checkToken)) === 1;
    },

    async setDelivery(appId, id, status, route) {
      await r.tesseraSetDelivery(keys(appId, id)[0] as string, status, route ?? '');
    },

    async ping() {
      await r.ping();
    },

    async close() {
      r.disconnect();
    },
  };
}
