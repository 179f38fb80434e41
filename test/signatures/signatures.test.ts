import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEvent, verifierKeyString } from '../../src/audit/index.ts';
import { runCli } from '../../src/cli/main.ts';
import { type EvidenceDocument, verifyEvidence } from '../../src/signatures/index.ts';
import {
  createDatabaseWithRoles,
  type DatabaseWithRoles,
  refusal,
} from '../audit/database-roles.ts';
import { captureAuditEvents } from '../helpers/per-app-hmacs.ts';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const H1 = sha256('contract, version 1');
const H2 = sha256('contract, version 2 (another document)');

describe.each(BACKENDS)('signatures: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  let events: AuditEvent[];
  let numberSeq = 0;
  // Each test its own numbers: one signer's code never cancels another's.
  const nextNumber = () => `+336124${String(50_000 + numberSeq++).padStart(5, '0')}`;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    events = captureAuditEvents(t);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const response = await t.call(method, path, { body, ...(key ? { key } : {}) });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const request = (phone: string, overrides: Json = {}) =>
    call('POST', '/v1/signatures', {
      signer: { ref: 'user-42', name: 'Jeanne Martin', phone },
      document: { id: 'contract-2026-001', title: 'Contrat de prêt', sha256: H1 },
      consent_text: 'Je signe le contrat de prêt et reconnais en avoir pris connaissance.',
      locale: 'fr',
      client: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (signing page)' },
      ...overrides,
    });
  const confirm = (id: unknown, code: string, documentSha256 = H1) =>
    call('POST', `/v1/signatures/${id}/confirm`, {
      code,
      document_sha256: documentSha256,
      client: { ip: '203.0.113.8', user_agent: 'Mozilla/5.0 (confirm page)' },
    });
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const evidenceText = async (id: unknown, format = 'json') => {
    const response = await t.call('GET', `/v1/signatures/${id}/evidence?format=${format}`);
    expect(response.status).toBe(200);
    return {
      bytes: Buffer.from(await response.arrayBuffer()),
      sha256: response.headers.get('evidence-sha256'),
      type: response.headers.get('content-type'),
    };
  };
  const verifier = () => t.runtime.modules.auditLog.signer;

  /** A signature signed with the right code; its id, phone and evidence file. */
  const signed = async () => {
    const phone = nextNumber();
    const created = await request(phone);
    expect(created.status).toBe(201);
    const code = await t.lastCode(phone);
    const done = await confirm(created.body.id, code);
    expect(done.body).toMatchObject({ status: 'signed', valid: true });
    const file = await evidenceText(created.body.id);
    return { id: created.body.id as string, phone, done: done.body, file: file.bytes.toString() };
  };

  test('the SMS names the document; a code for H1 never signs H2, and spends an attempt', async () => {
    const phone = nextNumber();
    const created = await request(phone);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'pending',
      signer: { ref: 'user-42', name: 'Jeanne Martin', phone: `+33 6•• •• •• ${phone.slice(-2)}` },
      document: { id: 'contract-2026-001', title: 'Contrat de prêt', sha256: H1 },
      signed_at: null,
    });
    expect(created.body.id).toMatch(/^sig_[A-Za-z0-9_-]{22}$/);
    const verification = created.body.verification as Json;
    expect(verification).toMatchObject({ purpose: 'signature', attempts_remaining: 5 });
    // ê is not in the GSM-7 alphabet: the SMS loses the accent to stay one segment.
    expect(t.printed.at(-1)).toContain('pour signer "Contrat de pret". Valable');
    const code = await t.lastCode(phone);

    const mismatch = await confirm(created.body.id, code, H2);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.code).toBe('document_mismatch');
    // The ordinary check is not a way around the document: the code is bound to it.
    const plain = await call('POST', `/v1/verify/${verification.id}/check`, { code });
    expect(plain.body).toMatchObject({ valid: false, attempts_remaining: 3 });
    expect((await call('GET', `/v1/signatures/${created.body.id}`)).body.status).toBe('pending');

    const wrong = await confirm(created.body.id, wrongCode(code));
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ valid: false, status: 'pending', attempts_remaining: 2 });

    const done = await confirm(created.body.id, code);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'signed', valid: true });
    expect(done.body.evidence_sha256).toMatch(/^[0-9a-f]{64}$/);
    const file = await evidenceText(created.body.id);
    expect(sha256(file.bytes.toString())).toBe(done.body.evidence_sha256);
    expect(file.sha256).toBe(done.body.evidence_sha256);
    // Frozen: the same bytes on every read.
    expect((await evidenceText(created.body.id)).bytes.equals(file.bytes)).toBe(true);
    const mismatches = events.filter(
      (e) => e.type === 'signature.document_mismatch' && e.detail.signature_id === created.body.id,
    );
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0]?.detail.presented_sha256).toBe(H2);
  });

  test('a resent code is bound like the first: it signs this document only', async () => {
    const phone = nextNumber();
    const created = await request(phone);
    const first = await t.lastCode(phone);
    const resent = await call(
      'POST',
      `/v1/verify/${(created.body.verification as Json).id}/resend`,
    );
    expect(resent.status).toBe(200);
    expect(t.printed.at(-1)).toContain('pour signer "Contrat de pret"');
    const code = await t.lastCode(phone);
    expect((await confirm(created.body.id, first)).body.valid).toBe(false);
    expect((await confirm(created.body.id, code, H2)).status).toBe(409);
    expect((await confirm(created.body.id, code)).body).toMatchObject({
      valid: true,
      status: 'signed',
    });
  });

  test('a long title is shortened so that the code SMS stays one segment', async () => {
    const phone = nextNumber();
    const title = `Master services agreement between ACME Corporation and ${'a very long party name '.repeat(6)}`;
    const created = await request(phone, {
      document: { id: 'msa-7', title, sha256: H1 },
      locale: 'en',
    });
    expect(created.status).toBe(201);
    const text = t.printed.at(-1) ?? '';
    expect(text).toContain('to sign "Master services agreement');
    expect(text).toContain('..."');
    expect(
      events.find(
        (e) => e.type === 'sms.sent' && e.verificationId === (created.body.verification as Json).id,
      )?.detail.segments,
    ).toBe(1);
  });

  test('a second request for the same signer and document cancels the first, audited', async () => {
    const phone = nextNumber();
    const first = await request(phone);
    const firstCode = await t.lastCode(phone);
    const second = await request(phone);
    expect(second.status).toBe(201);
    const read = await call('GET', `/v1/signatures/${first.body.id}`);
    expect(read.body).toMatchObject({ status: 'canceled', ended_reason: 'superseded' });
    const late = await confirm(first.body.id, firstCode);
    expect(late.body).toMatchObject({ valid: false, status: 'canceled' });
    const canceled = events.filter(
      (e) => e.type === 'signature.canceled' && e.detail.signature_id === first.body.id,
    );
    expect(canceled).toHaveLength(1);
    expect(canceled[0]?.detail.superseded_by).toBe(second.body.id);
    // The same signer and document from another number is superseded too.
    const third = await request(nextNumber());
    expect(third.status).toBe(201);
    expect((await call('GET', `/v1/signatures/${second.body.id}`)).body.status).toBe('canceled');
  });

  test('parallel confirmations with the right code sign once', async () => {
    const phone = nextNumber();
    const created = await request(phone);
    const code = await t.lastCode(phone);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => confirm(created.body.id, code)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.valid === true)).toHaveLength(1);
    const signings = events.filter(
      (e) => e.type === 'signature.signed' && e.detail.signature_id === created.body.id,
    );
    expect(signings).toHaveLength(1);
    expect((await call('GET', `/v1/signatures/${created.body.id}`)).body.status).toBe('signed');
  });

  test('another app cannot read, confirm or fetch the evidence of a signature', async () => {
    const { id } = await signed();
    for (const [method, path] of [
      ['GET', `/v1/signatures/${id}`],
      ['GET', `/v1/signatures/${id}/evidence`],
    ] as const) {
      const response = await t.call(method, path, { key: t.keys.b });
      expect(response.status).toBe(404);
    }
    expect((await confirm(id, '123456')).body.valid).toBe(false);
  });

  test('the evidence file verifies offline, and every single edit of it is caught', async () => {
    const { file, phone } = await signed();
    const good = verifyEvidence(file, verifier());
    expect(good.ok, JSON.stringify(good)).toBe(true);
    const doc = JSON.parse(file) as EvidenceDocument;
    expect(doc.signer.phone_masked).toBe(`+33 6•• •• •• ${phone.slice(-2)}`);
    // No clear number anywhere in the file.
    expect(file).not.toContain(phone.slice(1));
    expect(doc.events.map((e) => e.event.type)).toEqual(
      expect.arrayContaining([
        'verification.created',
        'sms.sent',
        'signature.requested',
        'check.approved',
        'signature.signed',
      ]),
    );
    expect(doc.facts.sms[0]).toMatchObject({ route: expect.any(String) });
    expect(doc.facts.checks.at(-1)).toMatchObject({
      type: 'check.approved',
      client_ip: '203.0.113.8',
      user_agent: 'Mozilla/5.0 (confirm page)',
    });

    const edits: [string, (d: EvidenceDocument) => void][] = [
      [
        'a timestamp',
        (d) => {
          const e = d.events[1]!.event;
          e.created_at = new Date(Date.parse(e.created_at) - 1000).toISOString();
        },
      ],
      [
        'the phone mask',
        (d) => {
          d.signer.phone_masked = '+33 6•• •• •• 00';
        },
      ],
      [
        'a proof node',
        (d) => {
          const path = d.events.find((e) => e.inclusion_path.length > 0)!.inclusion_path;
          path[0] = Buffer.alloc(32, 7).toString('base64');
        },
      ],
      [
        'the document hash',
        (d) => {
          d.document.sha256 = H2;
        },
      ],
      [
        'the consent text',
        (d) => {
          d.consent.text += ' ';
        },
      ],
      [
        'a fact',
        (d) => {
          d.facts.attempts.wrong += 1;
        },
      ],
      [
        'the signer name',
        (d) => {
          d.signer.name = 'Someone Else';
        },
      ],
    ];
    for (const [what, edit] of edits) {
      const changed = structuredClone(doc);
      edit(changed);
      const verdict = verifyEvidence(JSON.stringify(changed, null, 2), verifier());
      expect(verdict.ok, `${what} edited`).toBe(false);
    }

    // The same check from the command line, with only the file and the key.
    const dir = mkdtempSync(join(tmpdir(), 'tessera-evidence-'));
    try {
      const path = join(dir, 'evidence.json');
      writeFileSync(path, file);
      const key = verifierKeyString(verifier());
      const cli = async (argv: string[]) => {
        const out: string[] = [];
        const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => out.push(l) }, {});
        return { code, output: out.join('\n') };
      };
      const ok = await cli(['evidence', 'verify', path, '--key', key]);
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toContain('SIGNATURE EVIDENCE: VERIFIED');
      expect(ok.output).toContain('Jeanne Martin');
      expect(ok.output).toContain(`Evidence file SHA-256: ${sha256(file)}`);
      const changed = structuredClone(doc);
      changed.document.sha256 = H2;
      writeFileSync(path, JSON.stringify(changed));
      const rejected = await cli(['evidence', 'verify', path, '--key', key]);
      expect(rejected.code).toBe(1);
      expect(rejected.output).toContain('EVIDENCE REJECTED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the PDF report carries the JSON file's facts", async () => {
    const { id, file, done } = await signed();
    const doc = JSON.parse(file) as EvidenceDocument;
    const pdf = await evidenceText(id, 'pdf');
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.bytes }).toString();
    const flat = text.replace(/\s+/g, ' ');
    for (const fact of [
      doc.signer.name,
      doc.signer.ref,
      doc.signer.phone_masked,
      doc.document.title,
      doc.document.id,
      doc.document.sha256,
      doc.consent.sha256,
      doc.signature.signed_at,
      doc.log.key_id,
      String(done.evidence_sha256),
      '203.0.113.8',
      ...doc.events.map((e) => e.event.id),
    ]) {
      expect(flat, fact).toContain(fact);
    }
  });

  test('a signed signature cannot be changed or deleted by SQL, and its evidence neither', async () => {
    const { id } = await signed();
    const database = t.runtime.modules.signatures.log.database;
    const refusedBy = async (statement: string) => {
      try {
        await database.db.execute(sql.raw(statement));
        return null;
      } catch (error) {
        const { cause } = error as { cause?: { message?: string } };
        return cause?.message ?? String(error);
      }
    };
    for (const statement of [
      `update signatures set document_sha256 = '${H2}' where id = '${id}'`,
      `delete from signatures where id = '${id}'`,
      `update signature_evidence set body = '{}' where signature_id = '${id}'`,
      `delete from signature_evidence where signature_id = '${id}'`,
      'truncate signatures cascade',
    ]) {
      expect(await refusedBy(statement), statement).toMatch(/refused/);
    }
    expect((await call('GET', `/v1/signatures/${id}`)).body.status).toBe('signed');
  });

  test('bad input is a problem+json and changes nothing', async () => {
    const before = events.length;
    for (const overrides of [
      { document: { id: 'd', title: 't', sha256: 'not-a-hash' } },
      { consent_text: '' },
      { signer: { ref: 'r', name: 'n' } },
    ]) {
      const response = await request(nextNumber(), overrides);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_request');
    }
    expect((await request('+3300', {})).status).toBe(422);
    expect(events.slice(before).filter((e) => e.type.startsWith('signature.'))).toEqual([]);
    expect((await call('GET', '/v1/signatures/sig_unknown')).status).toBe(404);
  });
});

describe.skipIf(!BACKENDS[0]!.available)('signatures on Postgres, tampered by a superuser', () => {
  let t: TestApp;
  let superuser: pg.Client;
  beforeAll(async () => {
    t = await startTestApp(BACKENDS[0]!);
    superuser = new pg.Client({ connectionString: t.databaseUrl! });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser?.end();
    await t?.close();
  });

  const asSuperuser = async (table: string, statement: string, values: unknown[]) => {
    await superuser.query(`alter table ${table} disable trigger user`);
    try {
      await superuser.query(statement, values);
    } finally {
      await superuser.query(`alter table ${table} enable trigger user`);
    }
  };
  const sign = async (
    phone: string,
    before: (id: string, verificationId: string) => Promise<void>,
  ) => {
    const created = await t.call('POST', '/v1/signatures', {
      body: {
        signer: { ref: 'user-7', name: 'Paul Durand', phone },
        document: { id: 'lease-1', title: 'Lease', sha256: H1 },
        consent_text: 'I sign the lease.',
      },
    });
    const body = (await created.json()) as Json;
    await before(body.id as string, (body.verification as Json).id as string);
    const code = await t.lastCode(phone);
    await t.call('POST', `/v1/signatures/${body.id}/confirm`, {
      body: { code, document_sha256: H1 },
    });
    const response = await t.call('GET', `/v1/signatures/${body.id}/evidence`);
    expect(response.status).toBe(200);
    return response.text();
  };

  it('an audit row changed in Postgres makes the evidence check fail', async () => {
    const file = await sign('+33612460001', async (_id, verificationId) => {
      await asSuperuser(
        'audit_events',
        "update audit_events set client_ip = '198.51.100.66' where verification_id = $1 and type = 'verification.created'",
        [verificationId],
      );
    });
    const verdict = verifyEvidence(file, t.runtime.modules.auditLog.signer);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.problems.join('\n')).toMatch(/does not lead to the signed root/);
  });

  it("a signature row changed in Postgres (the signer's name) makes the evidence check fail", async () => {
    const file = await sign('+33612460002', async (id) => {
      await asSuperuser('signatures', 'update signatures set signer_name = $1 where id = $2', [
        'Someone Else',
        id,
      ]);
    });
    const verdict = verifyEvidence(file, t.runtime.modules.auditLog.signer);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok)
      expect(verdict.problems).toContain("the signer's name is not the one requested");
  });
});

describe.skipIf(!BACKENDS[0]!.available)('signatures, as the runtime role', () => {
  let roles: DatabaseWithRoles;
  let dataDir: string;
  let runtime: pg.Client;
  beforeAll(async () => {
    roles = await createDatabaseWithRoles();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-sig-roles-'));
    const lines: string[] = [];
    const code = await runCli(
      ['migrate', '--grant-runtime-role', roles.runtime.name],
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
      { DATABASE_URL: roles.owner.url, DATA_DIR: dataDir },
    );
    if (code !== 0) throw new Error(`tessera migrate failed: ${lines.join('\n')}`);
    runtime = new pg.Client({ connectionString: roles.runtime.url });
    await runtime.connect();
  });
  afterAll(async () => {
    await runtime?.end();
    await roles?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('can move a pending signature on, but never change or delete a signed one', async () => {
    await runtime.query(
      "insert into apps (id, name, created_at) values ('app_roles', 'roles', now())",
    );
    const insert = (id: string) =>
      runtime.query(
        `insert into signatures (id, app_id, status, signer_ref, signer_name, phone_hmac,
           phone_masked, country, document_id, document_title, document_sha256, consent_text,
           consent_sha256, locale, verification_id, verification_expires_at, created_at)
         values ($1, 'app_roles', 'pending', 'u', 'n', 'h', 'm', 'FR', 'd', 't', $2, 'c', $2,
           'fr', $1, now(), now())`,
        [id, H1],
      );
    await insert('sig_pending');
    expect(
      await refusal(runtime, "update signatures set status = 'canceled' where id = 'sig_pending'"),
    ).toBeNull();
    await insert('sig_signed');
    expect(
      await refusal(
        runtime,
        "update signatures set status = 'signed', signed_at = now() where id = 'sig_signed'",
      ),
    ).toBeNull();
    expect(
      await refusal(
        runtime,
        "insert into signature_evidence values ('sig_signed', 'app_roles', '{}', 'x', now())",
      ),
    ).toBeNull();
    for (const statement of [
      `update signatures set document_sha256 = '${H2}' where id = 'sig_signed'`,
      "update signatures set status = 'pending' where id = 'sig_signed'",
      "delete from signatures where id = 'sig_signed'",
      "update signature_evidence set body = '[]'",
      'delete from signature_evidence',
      'truncate signatures, signature_evidence',
    ]) {
      const refused = await refusal(runtime, statement);
      expect(refused?.code, statement).toBe('42501');
    }
    const kept = await runtime.query("select status from signatures where id = 'sig_signed'");
    expect(kept.rows).toEqual([{ status: 'signed' }]);
  });
});
