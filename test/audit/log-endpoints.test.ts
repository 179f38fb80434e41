import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafDataOf, leafHashOf } from '../../src/audit/export-line.ts';
import { auditAppendStatement } from '../../src/audit/index.ts';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle.ts';
import { openCheckpoint, parseVerifierKey } from '../../src/audit/signed-note.ts';
import { runCli } from '../../src/cli/main.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { referenceRoot } from './rfc9162-reference.ts';

interface CheckpointBody {
  origin: string;
  tree_size: number;
  root_hash: string;
  note: string;
}

for (const backend of BACKENDS.filter((b) => b.available)) {
  describe(`the audit log endpoints over ${backend.name}`, () => {
    let t: TestApp;
    let dir: string;
    let appA: string;
    let appB: string;

    async function appendTo(appId: string, count: number) {
      await t.runtime.modules.auditLog.database.db.execute(
        auditAppendStatement(
          Array.from({ length: count }, (_, i) =>
            makeAuditEvent({ appId, type: 'sms.sent', detail: { i, note: 'é\u2028' } }),
          ),
        ),
      );
    }

    async function json<T>(path: string, key = t.keys.aAuditOnly): Promise<T> {
      const response = await t.call('GET', path, { key });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as T;
    }

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tessera-log-endpoints-'));
      t = await startTestApp(backend, {
        env: { AUDIT_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson') },
      });
      const { rows } = await t.runtime.modules.auditLog.database.db.execute<{
        id: string;
        name: string;
      }>(sql`select id, name from apps order by name`);
      appA = rows.find((row) => row.name === 'app-a')!.id;
      appB = rows.find((row) => row.name === 'app-b')!.id;
      await appendTo(appA, 11);
      await appendTo(appB, 2);
    });

    afterAll(async () => {
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('publishes the checkpoint key to audit:read keys only', async () => {
      const key = await json<{
        name: string;
        key_id: string;
        public_key: string;
        verifier_key: string;
      }>('/v1/audit/checkpoint/key');
      const verifier = parseVerifierKey(key.verifier_key);
      expect(verifier.name).toBe('tessera.localhost');
      expect(verifier.keyId.toString('hex')).toBe(key.key_id);
      expect(verifier.publicKey.toString('base64')).toBe(key.public_key);
      expect((await t.call('GET', '/v1/audit/checkpoint/key', { key: t.keys.a })).status).toBe(403);
      expect((await t.call('GET', '/v1/audit/checkpoint/key', { key: null })).status).toBe(401);
    });

    it("signs a checkpoint of the app's own log on demand, which the published key verifies", async () => {
      const { verifier_key } = await json<{ verifier_key: string }>('/v1/audit/checkpoint/key');
      const checkpoint = await json<CheckpointBody>('/v1/audit/checkpoint');
      const signed = openCheckpoint(checkpoint.note, parseVerifierKey(verifier_key));
      expect(signed).toMatchObject({
        origin: `tessera.localhost/${appA}`,
        size: checkpoint.tree_size,
      });
      expect(signed!.root.toString('base64')).toBe(checkpoint.root_hash);
      const again = await json<CheckpointBody>(`/v1/audit/checkpoint?size=${checkpoint.tree_size}`);
      expect(again.note).toBe(checkpoint.note);
      const sunk = readFileSync(join(dir, 'checkpoints.ndjson'), 'utf8').trimEnd().split('\n');
      expect(sunk.map((line) => JSON.parse(line).note)).toContain(checkpoint.note);
      expect(
        (await t.call('GET', '/v1/audit/checkpoint?size=1', { key: t.keys.aAuditOnly })).status,
      ).toBe(404);
    });

    it('proves each event of the app against the signed root, as the RFC reference computes it', async () => {
      const checkpoint = await json<CheckpointBody>('/v1/audit/checkpoint');
      const { rows } = await t.runtime.modules.auditLog.database.db.execute<{ id: string }>(
        sql`select id from audit_events where app_id = ${appA} order by seq`,
      );
      expect(rows).toHaveLength(checkpoint.tree_size);
      const lines: Record<string, unknown>[] = [];
      for (const [index, { id }] of rows.entries()) {
        const proof = await json<{
          event: Record<string, unknown>;
          leaf_index: number;
          tree_size: number;
          leaf_hash: string;
          inclusion_path: string[];
          root_hash: string;
          checkpoint: CheckpointBody | null;
        }>(`/v1/audit/events/${id}/proof`);
        expect(proof).toMatchObject({ leaf_index: index, tree_size: checkpoint.tree_size });
        expect(proof.checkpoint?.note).toBe(checkpoint.note);
        const leaf = leafHashOf(proof.event);
        expect(leaf.toString('base64')).toBe(proof.leaf_hash);
        expect(
          verifyInclusion(
            index,
            proof.tree_size,
            leaf,
            proof.inclusion_path.map((hash) => Buffer.from(hash, 'base64')),
            Buffer.from(checkpoint.root_hash, 'base64'),
          ),
        ).toBe(true);
        lines.push(proof.event);
      }
      expect(referenceRoot(lines.map(leafDataOf)).toString('base64')).toBe(checkpoint.root_hash);
    });

    it("answers 404 for another app's event and 400 for a size the log does not have", async () => {
      const { rows } = await t.runtime.modules.auditLog.database.db.execute<{ id: string }>(
        sql`select id from audit_events where app_id = ${appB} limit 1`,
      );
      const other = await t.call('GET', `/v1/audit/events/${rows[0]!.id}/proof`, {
        key: t.keys.aAuditOnly,
      });
      expect(other.status).toBe(404);
      expect(await other.json()).toMatchObject({ code: 'audit_event_not_found' });
      const tooLarge = await t.call('GET', '/v1/audit/consistency?from=1&to=100000', {
        key: t.keys.aAuditOnly,
      });
      expect(tooLarge.status).toBe(400);
      expect(
        (await t.call('GET', '/v1/audit/consistency?from=0', { key: t.keys.aAuditOnly })).status,
      ).toBe(400);
    });

    it('proves that a later checkpoint extends an earlier one', async () => {
      const { verifier_key } = await json<{ verifier_key: string }>('/v1/audit/checkpoint/key');
      const verifier = parseVerifierKey(verifier_key);
      const before = await json<CheckpointBody>('/v1/audit/checkpoint');
      await appendTo(appA, 6);
      const proof = await json<{
        from: number;
        to: number;
        consistency_path: string[];
        checkpoints: { from: CheckpointBody | null; to: CheckpointBody | null };
      }>(`/v1/audit/consistency?from=${before.tree_size}`);
      expect(proof).toMatchObject({ from: before.tree_size, to: before.tree_size + 6 });
      const older = openCheckpoint(before.note, verifier)!;
      const newer = openCheckpoint(proof.checkpoints.to!.note, verifier)!;
      expect(newer.size).toBe(before.tree_size + 6);
      const path = proof.consistency_path.map((hash) => Buffer.from(hash, 'base64'));
      expect(verifyConsistency(older.size, newer.size, older.root, newer.root, path)).toBe(true);
      // The same proof does not tie the newer root to a different older one.
      expect(verifyConsistency(older.size, newer.size, newer.root, newer.root, path)).toBe(false);
    });

    it("feeds the app's ndjson export, as downloaded, to tessera audit verify-export", async () => {
      const { verifier_key } = await json<{ verifier_key: string }>('/v1/audit/checkpoint/key');
      const checkpoint = await json<CheckpointBody>('/v1/audit/checkpoint');
      const response = await t.call('GET', '/v1/audit/events/export?format=ndjson&order=asc', {
        key: t.keys.aAuditOnly,
      });
      expect(response.status).toBe(200);
      const exported = await response.text();
      // The export ends with its trailer line, which verify-export skips.
      expect(exported.trimEnd().split('\n').at(-1)).toMatch(/^\{"type":"export.complete"/);
      const checkpointFile = join(dir, 'checkpoint.json');
      writeFileSync(checkpointFile, JSON.stringify(checkpoint));
      const verify = async (content: string) => {
        const exportFile = join(dir, 'export.ndjson');
        writeFileSync(exportFile, content);
        const out: string[] = [];
        const code = await runCli(
          [
            'audit',
            'verify-export',
            exportFile,
            '--key',
            verifier_key,
            '--checkpoint',
            checkpointFile,
          ],
          { out: (l) => out.push(l), err: (l) => out.push(l) },
          {},
        );
        return { code, output: out.join('\n') };
      };
      const intact = await verify(exported);
      expect(intact.code, intact.output).toBe(0);
      expect(intact.output).toMatch(
        new RegExp(`^ok: ${checkpoint.tree_size} events of ${appA} match the checkpoint`),
      );
      // One byte of one event changed: its created_at a thousand years later.
      const lines = exported.split('\n');
      lines[1] = lines[1]!.replace('"created_at":"2', '"created_at":"3');
      expect(lines.join('\n')).not.toBe(exported);
      const changed = await verify(lines.join('\n'));
      expect(changed.code, changed.output).toBe(1);
      expect(changed.output).toContain('another root than the signed checkpoint');
    });

    it('checks the Merkle log against the newest checkpoint in GET /v1/audit/verify', async () => {
      const checkpoint = await json<CheckpointBody>('/v1/audit/checkpoint');
      const intact = await json<Record<string, unknown>>('/v1/audit/verify');
      expect(intact).toMatchObject({
        ok: true,
        log: {
          ok: true,
          tree_size: checkpoint.tree_size,
          root_hash: checkpoint.root_hash,
          checkpoint_size: checkpoint.tree_size,
          broken_event_id: null,
          problem: null,
        },
      });
      // A superuser rewrites one of app-a's logged events behind the triggers, then puts it back.
      const { db } = t.runtime.modules.auditLog.database;
      const target = (
        await db.execute<{ event_id: string }>(sql`select event_id from audit_tree_leaves
          where app_id = ${appA} and leaf_index = 2`)
      ).rows[0]!.event_id;
      const { client_ip } = (
        await db.execute<{ client_ip: string | null }>(
          sql`select client_ip from audit_events where id = ${target}`,
        )
      ).rows[0]!;
      const setIp = async (ip: string | null) => {
        await db.execute(sql`alter table audit_events disable trigger user`);
        try {
          await db.execute(sql`update audit_events set client_ip = ${ip} where id = ${target}`);
        } finally {
          await db.execute(sql`alter table audit_events enable trigger user`);
        }
      };
      await setIp('198.51.100.66');
      try {
        const broken = await json<Record<string, unknown>>('/v1/audit/verify');
        expect(broken).toMatchObject({
          ok: false,
          log: {
            ok: false,
            checkpoint_size: checkpoint.tree_size,
            broken_event_id: target,
            problem: expect.stringContaining(target),
          },
        });
      } finally {
        await setIp(client_ip);
      }
      expect(await json<Record<string, unknown>>('/v1/audit/verify')).toMatchObject({
        ok: true,
        log: { ok: true },
      });
    });
  });
}
