import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCheckpointer,
  fileSink,
  verifyAppLog,
  webhookSink,
} from '../../src/audit/checkpoints.ts';
import { createMerkleLogReader } from '../../src/audit/merkle-log.ts';
import { createPostgresAuditWriter } from '../../src/audit/postgres-writer.ts';
import {
  checkpointText,
  createNoteSigner,
  openCheckpoint,
  openNote,
  parseVerifierKey,
  verifierKeyString,
} from '../../src/audit/signed-note.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

// golang.org/x/mod/sumdb/note, note_test.go (commit fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db):
// the Go reference's signer key, verifier key and signed note (TestSign), byte for byte.
const GO_SIGNER_SEED = Buffer.from(
  'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
  'base64',
).subarray(1);
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('C2SP signed notes', () => {
  it("signs byte for byte as Go's note package, with its key id and verifier key", () => {
    const signer = createNoteSigner('PeterNeumann', GO_SIGNER_SEED);
    expect(signer.sign(GO_TEXT)).toBe(GO_NOTE);
    expect(verifierKeyString(signer)).toBe(GO_VERIFIER_KEY);
    expect(openNote(GO_NOTE, parseVerifierKey(GO_VERIFIER_KEY))).toBe(GO_TEXT);
  });

  it('writes a checkpoint as tlog-checkpoint and signed-note say, verifiable by node:crypto alone', () => {
    const signer = createNoteSigner('tessera.example.com', randomBytes(32));
    const root = createHash('sha256').update('root').digest();
    const note = signer.sign(
      checkpointText({ origin: 'tessera.example.com/app_1', size: 42, root }),
    );
    const body = `tessera.example.com/app_1\n42\n${root.toString('base64')}\n`;
    expect(note.startsWith(`${body}\n\u2014 tessera.example.com `)).toBe(true);
    const signature = Buffer.from(
      note
        .slice(body.length + 1)
        .split(' ')[2]!
        .trim(),
      'base64',
    );
    // Key id: SHA-256(name || 0x0A || 0x01 || public key)[:4], recomputed here.
    const id = createHash('sha256')
      .update(Buffer.concat([Buffer.from('tessera.example.com\n\x01', 'latin1'), signer.publicKey]))
      .digest()
      .subarray(0, 4);
    expect(signature.subarray(0, 4)).toEqual(id);
    const publicKey = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), signer.publicKey]),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from(body), publicKey, signature.subarray(4))).toBe(true);
    expect(openCheckpoint(note, signer)).toEqual({
      origin: 'tessera.example.com/app_1',
      size: 42,
      root,
    });
  });

  it('refuses a checkpoint signed with another key, or changed after signing', () => {
    const ours = createNoteSigner('tessera.example.com', randomBytes(32));
    const theirs = createNoteSigner('tessera.example.com', randomBytes(32));
    const text = checkpointText({ origin: 'o/app', size: 3, root: randomBytes(32) });
    expect(openCheckpoint(theirs.sign(text), ours)).toBeNull();
    expect(openCheckpoint(ours.sign(text).replace('\n3\n', '\n4\n'), ours)).toBeNull();
    expect(() => parseVerifierKey(GO_VERIFIER_KEY.replace('c74f20a3', 'c74f20a4'))).toThrow(
      /key id/,
    );
  });
});

describe('the witness webhook', () => {
  it('POSTs each signed note as text/plain, and fails on a refusal', async () => {
    const received: { type: string | undefined; body: string }[] = [];
    let status = 200;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ type: request.headers['content-type'], body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/witness`;
      const signer = createNoteSigner('tessera.test', randomBytes(32));
      const note = signer.sign(
        checkpointText({ origin: 'tessera.test/app', size: 1, root: randomBytes(32) }),
      );
      const checkpoint = {
        appId: 'app',
        size: 1,
        root: randomBytes(32),
        note,
        createdAt: new Date(),
      };
      await webhookSink(url)(checkpoint);
      expect(received).toEqual([{ type: 'text/plain; charset=utf-8', body: note }]);
      status = 503;
      await expect(webhookSink(url)(checkpoint)).rejects.toThrow(/503/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

for (const backend of DATABASE_BACKENDS.filter((b) => b.available)) {
  describe(`signed checkpoints over ${backend.name}`, () => {
    let database: Database;
    let drop: () => Promise<void>;
    let dir: string;
    const signer = createNoteSigner('tessera.test', randomBytes(32));
    let now = Date.parse('2026-12-01T10:00:00Z');

    beforeAll(async () => {
      const opened = await backend.open();
      database = opened.database;
      drop = opened.drop;
      await migrateDatabase(database);
      dir = mkdtempSync(join(tmpdir(), 'tessera-checkpoints-'));
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const checkpointerWith = (file: string) =>
      createCheckpointer({
        database,
        reader: createMerkleLogReader(database),
        signer,
        clock: { now: () => now },
        sinks: [fileSink(file)],
        onError: (error) => {
          throw error;
        },
      });

    async function append(appId: string, count: number) {
      const writer = createPostgresAuditWriter(database);
      await writer.append(
        Array.from({ length: count }, (_, i) => makeAuditEvent({ appId, detail: { i } })),
      );
      await writer.close();
    }

    it('checkpoints the apps whose log grew, once per size, in Postgres and in the file', async () => {
      const file = join(dir, 'grown.ndjson');
      const checkpointer = checkpointerWith(file);
      await append('app_cp_a', 5);
      await append('app_cp_b', 2);
      expect(await checkpointer.checkpointGrown()).toBe(2);
      expect(await checkpointer.checkpointGrown()).toBe(0);
      now += 10_000;
      await append('app_cp_a', 3);
      expect(await checkpointer.checkpointGrown()).toBe(1);

      const newest = await checkpointer.find('app_cp_a');
      expect(newest).toMatchObject({ size: 8, createdAt: new Date(now) });
      const root = await createMerkleLogReader(database).root('app_cp_a', 8);
      expect(newest!.note).toBe(
        signer.sign(checkpointText({ origin: 'tessera.test/app_cp_a', size: 8, root })),
      );
      const lines = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { app_id: string; tree_size: number; note: string });
      expect(lines.map((line) => [line.app_id, line.tree_size])).toEqual([
        ['app_cp_a', 5],
        ['app_cp_b', 2],
        ['app_cp_a', 8],
      ]);
      expect(lines[2]!.note).toBe(newest!.note);
      expect((await checkpointer.find('app_cp_a', 5))?.size).toBe(5);
      await expect(
        database.db.execute(sql`delete from audit_checkpoints where app_id = 'app_cp_a'`),
      ).rejects.toThrow();
      expect(await verifyAppLog(database, checkpointer, signer, 'app_cp_a')).toMatchObject({
        ok: true,
        checked: 8,
      });
    });

    it('checkpoints grown logs on its timer until closed', async () => {
      const checkpointer = checkpointerWith(join(dir, 'timer.ndjson'));
      await append('app_cp_timer', 3);
      checkpointer.start(20);
      const deadline = Date.now() + 10_000;
      while (!(await checkpointer.find('app_cp_timer')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await checkpointer.close();
      expect((await checkpointer.find('app_cp_timer'))?.size).toBe(3);
      await append('app_cp_timer', 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Closed: no round runs any more.
      expect((await checkpointer.find('app_cp_timer'))?.size).toBe(3);
    });

    it('shows a tail removed behind the triggers, rows and log alike, against the checkpoint', async () => {
      const checkpointer = checkpointerWith(join(dir, 'tail.ndjson'));
      await append('app_cp_tail', 9);
      const before = (await checkpointer.checkpoint('app_cp_tail'))!;
      expect(before.size).toBe(9);
      // A superuser removes the last 3 events and every trace of them in the log, and the head.
      for (const table of ['audit_events', 'audit_tree_leaves', 'audit_tree_nodes']) {
        await database.db.execute(sql`alter table ${sql.identifier(table)} disable trigger user`);
      }
      try {
        await database.db.execute(sql`delete from audit_events where id in (
          select event_id from audit_tree_leaves where app_id = 'app_cp_tail' and leaf_index >= 6)`);
        await database.db.execute(
          sql`delete from audit_tree_leaves where app_id = 'app_cp_tail' and leaf_index >= 6`,
        );
        await database.db.execute(sql`delete from audit_tree_nodes where app_id = 'app_cp_tail'
          and (node_index + 1) * power(2, level) > 6`);
        await database.db.execute(
          sql`update audit_tree_heads set size = 6 where app_id = 'app_cp_tail'`,
        );
      } finally {
        for (const table of ['audit_events', 'audit_tree_leaves', 'audit_tree_nodes']) {
          await database.db.execute(sql`alter table ${sql.identifier(table)} enable trigger user`);
        }
      }
      // The shorter log is whole in itself, but cannot extend the checkpoint of 9 leaves.
      expect(await createMerkleLogReader(database).size('app_cp_tail')).toBe(6);
      expect(await verifyAppLog(database, checkpointer, signer, 'app_cp_tail')).toMatchObject({
        ok: false,
        checkpoint: { size: 9 },
      });
    });

    it('refuses a stored checkpoint that this key did not sign', async () => {
      const checkpointer = checkpointerWith(join(dir, 'forged.ndjson'));
      await append('app_cp_forged', 2);
      const other = createNoteSigner('tessera.test', randomBytes(32));
      const root = await createMerkleLogReader(database).root('app_cp_forged', 2);
      const note = other.sign(
        checkpointText({ origin: 'tessera.test/app_cp_forged', size: 2, root }),
      );
      await database.db.execute(sql`insert into audit_checkpoints
        (app_id, tree_size, root_hash, note, created_at)
        values ('app_cp_forged', 2, ${root}, ${note}, now())`);
      expect(await verifyAppLog(database, checkpointer, signer, 'app_cp_forged')).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/not signed/),
      });
    });
  });
}
