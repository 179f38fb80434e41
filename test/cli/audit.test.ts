import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointer, fileSink } from '../../src/audit/checkpoints.ts';
import { exportLine } from '../../src/audit/export-line.ts';
import { proveInclusion } from '../../src/audit/log-proofs.ts';
import { createMerkleLogReader } from '../../src/audit/merkle-log.ts';
import { createPostgresAuditWriter, readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { createNoteSigner, verifierKeyString } from '../../src/audit/signed-note.ts';
import { auditLogSigner } from '../../src/audit/wire.ts';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera audit key', () => {
  it('prints the verifier key of AUDIT_SIGNING_KEY, else the one derived from SECRET_KEY', async () => {
    const secret = randomBytes(32).toString('hex');
    const derived = await cli(['audit', 'key'], { SECRET_KEY: secret });
    expect(derived.code).toBe(0);
    const config = loadConfig({ SECRET_KEY: secret });
    const expected = verifierKeyString(
      auditLogSigner(config, deriveKeys(Buffer.from(secret, 'hex'))),
    );
    expect(derived.out.split('\n')[0]).toBe(expected);
    expect(expected.startsWith('tessera.localhost+')).toBe(true);

    const seed = randomBytes(32);
    const given = await cli(['audit', 'key'], {
      SECRET_KEY: secret,
      AUDIT_SIGNING_KEY: seed.toString('base64'),
      AUDIT_LOG_NAME: 'audit.example.org',
    });
    expect(given.out.split('\n')[0]).toBe(
      verifierKeyString(createNoteSigner('audit.example.org', seed)),
    );
  });

  it('names AUDIT_SIGNING_KEY when it is not a key', async () => {
    const run = await cli(['audit', 'key'], {
      SECRET_KEY: randomBytes(32).toString('hex'),
      AUDIT_SIGNING_KEY: 'not a key',
    });
    expect(run.code).toBe(2);
    expect(run.err).toContain('AUDIT_SIGNING_KEY');
  });
});

describe('tessera audit verify-export and verify-proof, offline', () => {
  let dir: string;
  let database: Database;
  const signer = createNoteSigner('tessera.example.com', randomBytes(32));
  const key = verifierKeyString(signer);
  let lines: string[];
  let note: string;
  let checkpointer: ReturnType<typeof createCheckpointer>;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-audit-'));
    database = await openDatabase({ pgliteDir: null });
    await migrateDatabase(database);
    const writer = createPostgresAuditWriter(database);
    await writer.append(
      Array.from({ length: 13 }, (_, i) =>
        makeAuditEvent({ appId: i % 4 === 0 ? 'app_other' : 'app_cli', detail: { i } }),
      ),
    );
    await writer.close();
    checkpointer = createCheckpointer({
      database,
      reader: createMerkleLogReader(database),
      signer,
      clock: { now: () => Date.now() },
      sinks: [fileSink(join(dir, 'sink.ndjson'))],
      onError: (error) => {
        throw error;
      },
    });
    await checkpointer.checkpointGrown();
    note = (await checkpointer.find('app_cli'))!.note;
    const rows = await readAuditEvents(database, 'app_cli', { limit: 100 });
    lines = rows.map((row, index) => JSON.stringify(exportLine(row, index)));
  });

  afterAll(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const verifyExport = (content: string[], checkpoint = file('note.txt', note), k = key) =>
    cli([
      'audit',
      'verify-export',
      file('export.ndjson', `${content.join('\n')}\n`),
      '--key',
      k,
      '--checkpoint',
      checkpoint,
    ]);

  it('accepts the export of the app against its checkpoint, from a note or the sink file', async () => {
    const fromNote = await verifyExport(lines);
    expect(fromNote).toMatchObject({ code: 0 });
    expect(fromNote.out).toMatch(/^ok: 9 events of app_cli match the checkpoint/);
    expect(await verifyExport(lines, join(dir, 'sink.ndjson'))).toMatchObject({ code: 0 });
    // The key read from a file, as `tessera audit key > key.txt` leaves it.
    expect(
      await verifyExport(lines, file('note.txt', note), file('key.txt', `${key}\n`)),
    ).toMatchObject({ code: 0 });
  });

  it('detects a changed event, a removed tail, a removed event and another key', async () => {
    const changed = [...lines];
    changed[3] = changed[3]!.replace('"outcome":"ok"', '"outcome":"refused"');
    expect(changed[3]).not.toBe(lines[3]);
    const edited = await verifyExport(changed);
    expect(edited.code).toBe(1);
    expect(edited.err).toMatch(/another root than the signed checkpoint/);

    const truncated = await verifyExport(lines.slice(0, 7));
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/holds 7 events, the checkpoint 9: its tail is missing/);

    const removed = await verifyExport([...lines.slice(0, 4), ...lines.slice(5)]);
    expect(removed.code).toBe(1);
    expect(removed.err).toMatch(/^error: line 5, event evt_\S+: leaf_index 5 where 4 was expected/);

    const other = verifierKeyString(createNoteSigner('tessera.example.com', randomBytes(32)));
    const forged = await verifyExport(lines, file('note.txt', note), other);
    expect(forged.code).toBe(1);
    expect(forged.err).toMatch(/not signed by tessera.example.com's key/);
  });

  it('checks one proof, and refuses it altered or under another key', async () => {
    const log = {
      database,
      reader: createMerkleLogReader(database),
      checkpointer,
      signer,
    };
    const [, event] = await readAuditEvents(database, 'app_cli', { limit: 2 });
    const proof = await proveInclusion(log, 'app_cli', event!.id);
    const document = {
      event: proof.event,
      leaf_index: proof.leafIndex,
      tree_size: proof.treeSize,
      inclusion_path: proof.path.map((hash) => hash.toString('base64')),
      checkpoint: proof.checkpoint && { note: proof.checkpoint.note },
    };
    const ok = await cli([
      'audit',
      'verify-proof',
      file('proof.json', JSON.stringify(document)),
      '--key',
      key,
    ]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toBe(
      `ok: event ${event!.id} is leaf 1 of the 9 events signed by tessera.example.com for app_cli`,
    );

    const altered = { ...document, event: { ...document.event, client_ip: '198.51.100.1' } };
    const refused = await cli([
      'audit',
      'verify-proof',
      file('proof.json', JSON.stringify(altered)),
      '--key',
      key,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/does not lead to the signed root/);

    const other = verifierKeyString(createNoteSigner('tessera.example.com', randomBytes(32)));
    const foreign = await cli([
      'audit',
      'verify-proof',
      file('proof.json', JSON.stringify(document)),
      '--key',
      other,
    ]);
    expect(foreign.code).toBe(1);
  });
});
