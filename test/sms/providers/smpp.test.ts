import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProviderError, type ProviderMessage } from '../../../src/sms/provider.ts';
import {
  createSmppProvider,
  type SmppInbound,
  type SmppProvider,
  type SmppReceipt,
} from '../../../src/sms/providers/smpp/smpp.ts';
import { countSegments } from '../../../src/sms/segments.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';
import { type Simulator, startSmscSimulator } from '../../helpers/smsc-simulator.ts';

const SYSTEM_ID = 'tessera';
const PASSWORD = 'pa55word';
const CODE_TEXT = 'Tessera: your code is 123456. It expires in 5 minutes. Do not share it.';

let simulator: Simulator;
let provider: SmppProvider;
const receipts: SmppReceipt[] = [];
const inbound: SmppInbound[] = [];
const logLines: string[] = [];

function message(to: string, text = CODE_TEXT, senderId = 'Tessera'): ProviderMessage {
  return { appId: 'app_test', to, text, senderId, reference: 'ver_test' };
}

const send = (to: string, text?: string, signal = AbortSignal.timeout(5_000)) =>
  provider.send(message(to, text), signal);

async function expectProviderError(promise: Promise<unknown>, reason: ProviderError['reason']) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).reason).toBe(reason);
  return error as ProviderError;
}

const submitTo = (destination: string) => {
  const found = simulator.submits.filter((s) => s.destination === destination);
  expect(found).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  simulator = await startSmscSimulator({ systemId: SYSTEM_ID, password: PASSWORD });
  provider = createSmppProvider({
    host: simulator.host,
    port: simulator.port,
    systemId: SYSTEM_ID,
    password: PASSWORD,
    enquireLinkMs: 150,
    reconnectMs: 50,
    logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
    onReceipt: (receipt) => receipts.push(receipt),
    onInbound: (message) => inbound.push(message),
  });
  await provider.ready();
});

afterAll(async () => {
  await provider?.close();
  await simulator?.close();
});

describe('SMPP provider against an SMSC simulator', () => {
  it('binds one transceiver session as SMPP v3.4 and keeps it alive with enquire_link', async () => {
    expect(provider.kind).toBe('smpp');
    expect(simulator.binds).toEqual([
      {
        command: 'bind_transceiver',
        systemId: SYSTEM_ID,
        systemType: '',
        interfaceVersion: 0x34,
        accepted: true,
      },
    ]);
    await vi.waitFor(() => expect(simulator.enquireLinks).toBeGreaterThanOrEqual(2), {
      timeout: 2_000,
    });
    expect(simulator.boundSessions()).toBe(1);
  });

  it('submits a code as priority 3, with a receipt requested, in GSM-7 (data_coding 0)', async () => {
    const accepted = await send('+33612340001');
    const submit = submitTo('33612340001');
    expect(accepted.providerMessageId).toBe(submit.messageId);
    expect(submit).toMatchObject({
      destinationTon: 1,
      destinationNpi: 1,
      source: 'Tessera',
      sourceTon: 5,
      sourceNpi: 0,
      priorityFlag: 3,
      registeredDelivery: 1,
      esmClass: 0,
      dataCoding: 0,
      text: CODE_TEXT,
    });
    // Letters, digits and basic punctuation sit at their ASCII positions in GSM 03.38.
    expect(submit.bytes).toEqual(Buffer.from(CODE_TEXT, 'ascii'));
  });

  it('sends French accents and the euro sign as GSM 03.38 septets, one per octet', async () => {
    const text =
      'Tessera : votre code de sécurité est 123456. Valable 5 min, à ne communiquer à personne. Frais : 0 €';
    expect(countSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    await send('+33612340002', text);
    const submit = submitTo('33612340002');
    expect(submit.dataCoding).toBe(0);
    expect(submit.text).toBe(text);
    expect(submit.bytes).toHaveLength(countSegments(text).units);
    expect(Math.max(...submit.bytes)).toBeLessThan(0x80);
    expect(submit.bytes[text.indexOf('é')]).toBe(0x05);
    expect(submit.bytes[text.indexOf('à')]).toBe(0x7f);
    // The euro sign is in the extension table: escape, then 0x65.
    expect([...submit.bytes.subarray(-2)]).toEqual([0x1b, 0x65]);
  });

  it('sends text outside GSM-7 (an emoji, a lowercase ç) as UCS-2 big-endian, data_coding 8', async () => {
    const emoji = 'Tessera: your code is 123456 🔐';
    await send('+33612340003', emoji);
    const withEmoji = submitTo('33612340003');
    expect(withEmoji.dataCoding).toBe(8);
    expect(withEmoji.text).toBe(emoji);
    expect([...withEmoji.bytes.subarray(0, 4)]).toEqual([0x00, 0x54, 0x00, 0x65]);
    expect([...withEmoji.bytes.subarray(-4)]).toEqual([0xd8, 0x3d, 0xdd, 0x10]);

    const cedilla = 'Tessera : code reçu 123456';
    await send('+33612340004', cedilla);
    expect(submitTo('33612340004')).toMatchObject({ dataCoding: 8, text: cedilla });
  });

  it('sends a numeric sender id as an international number', async () => {
    await provider.send(
      message('+33612340005', CODE_TEXT, '+447700900123'),
      AbortSignal.timeout(5_000),
    );
    expect(submitTo('33612340005')).toMatchObject({
      source: '447700900123',
      sourceTon: 1,
      sourceNpi: 1,
    });
  });

  it('refuses a message that needs more than one SMS without submitting it', async () => {
    const before = simulator.submits.length;
    const error = await expectProviderError(send('+33612340006', 'x'.repeat(161)), 'refused');
    expect(error.message).toMatch(/multi-part/);
    expect(simulator.submits.length).toBe(before);
  });

  it('reports a DELIVRD receipt as delivered, for the id submit_resp gave, and acknowledges it', async () => {
    simulator.behave('+33612340010', { kind: 'deliver', receiptAfterMs: 30 });
    const { providerMessageId } = await send('+33612340010');
    expect(providerMessageId).toBeTruthy();
    await vi.waitFor(() =>
      expect(receipts).toContainEqual({
        providerMessageId,
        status: 'delivered',
        at: expect.any(Date),
      }),
    );
    await vi.waitFor(() =>
      expect(simulator.deliverAcks).toContainEqual({
        kind: 'receipt',
        messageId: providerMessageId,
        status: 0,
      }),
    );
  });

  it('reports an UNDELIV receipt as undelivered', async () => {
    simulator.behave('+33612340011', { kind: 'undeliverable', receiptAfterMs: 30 });
    const { providerMessageId } = await send('+33612340011');
    await vi.waitFor(() =>
      expect(receipts).toContainEqual({
        providerMessageId,
        status: 'undelivered',
        at: expect.any(Date),
      }),
    );
  });

  it('turns a submit_resp with command_status 0x45 into refused', async () => {
    simulator.behave('+33612340012', { kind: 'reject' });
    const error = await expectProviderError(send('+33612340012'), 'refused');
    expect(error.message).toContain('0x00000045');
    expect(error.message).toContain('ESME_RSUBMITFAIL');
  });

  it.each([
    ['0x58 ESME_RTHROTTLED', 0x58, '+33612340031'],
    ['0x14 ESME_RMSGQFUL', 0x14, '+33612340032'],
  ])(
    'turns a submit_resp with command_status %s into unavailable (try later, not a refusal)',
    async (_, status, to) => {
      simulator.behave(to, { kind: 'reject', status });
      const error = await expectProviderError(send(to), 'unavailable');
      expect(error.message).toContain(`0x000000${status.toString(16)}`);
    },
  );

  it('gives up with timeout when submit_resp is late, and ignores it when it comes', async () => {
    simulator.behave('+33612340013', { kind: 'slow', respondAfterMs: 600 });
    const started = Date.now();
    await expectProviderError(send('+33612340013', CODE_TEXT, AbortSignal.timeout(200)), 'timeout');
    expect(Date.now() - started).toBeLessThan(550);
    await vi.waitFor(() => expect(submitTo('33612340013').messageId).not.toBeNull());
    // The late submit_resp arrived on the same session, was dropped, and the session still works.
    await vi.waitFor(() => expect(logLines.join('\n')).toContain('smpp_late_response'));
    expect((await send('+33612340014')).providerMessageId).toBeTruthy();
  });

  it('gives up with timeout when the SMSC never answers', async () => {
    simulator.behave('+33612340015', { kind: 'silent' });
    await expectProviderError(send('+33612340015', CODE_TEXT, AbortSignal.timeout(200)), 'timeout');
  });

  it('times out at once when the signal is already aborted', async () => {
    const before = simulator.submits.length;
    await expectProviderError(send('+33612340016', CODE_TEXT, AbortSignal.abort()), 'timeout');
    expect(simulator.submits.length).toBe(before);
  });

  it('acknowledges an inbound STOP and reports it through onInbound', async () => {
    const status = await simulator.sendInbound({
      from: '+33612340017',
      to: 'Tessera',
      text: 'STOP',
    });
    expect(status).toBe(0);
    await vi.waitFor(() =>
      expect(inbound).toContainEqual({ from: '+33612340017', text: 'STOP', at: expect.any(Date) }),
    );
  });

  it('keeps 20 parallel sends on the one session apart, even when answers come back out of order', async () => {
    const bindsBefore = simulator.binds.length;
    const destinations = Array.from(
      { length: 20 },
      (_, i) => `+336123401${String(i).padStart(2, '0')}`,
    );
    for (const [i, to] of destinations.entries())
      simulator.behave(to, { kind: 'slow', respondAfterMs: (20 - i) * 10 });
    const results = await Promise.all(destinations.map((to) => send(to)));
    const ids = results.map((r) => r.providerMessageId);
    expect(new Set(ids).size).toBe(20);
    destinations.forEach((to, i) => {
      expect(ids[i]).toBe(submitTo(to.slice(1)).messageId);
    });
    expect(simulator.binds.length).toBe(bindsBefore);
    expect(simulator.boundSessions()).toBe(1);
  });

  it('drops a link whose enquire_link goes unanswered and binds again', async () => {
    const bindsBefore = simulator.binds.length;
    simulator.answerEnquireLink(false);
    try {
      await vi.waitFor(() => expect(simulator.binds.length).toBeGreaterThan(bindsBefore), {
        timeout: 3_000,
      });
    } finally {
      simulator.answerEnquireLink(true);
    }
    await vi.waitFor(() => provider.ready(), { timeout: 3_000 });
    expect((await send('+33612340200')).providerMessageId).toBeTruthy();
  });

  it('is unavailable at once when the SMSC goes away, then reconnects by itself', async () => {
    simulator.behave('+33612340201', { kind: 'silent' });
    const inFlight = send('+33612340201');
    await vi.waitFor(() => submitTo('33612340201'));
    const bindsBefore = simulator.binds.length;

    const killedAt = Date.now();
    await simulator.kill();
    // The submit waiting for its submit_resp fails with the connection, not at its deadline.
    await expectProviderError(inFlight, 'unavailable');
    expect(Date.now() - killedAt).toBeLessThan(1_000);
    await expect(provider.ready()).rejects.toBeInstanceOf(ProviderError);
    const started = Date.now();
    await expectProviderError(send('+33612340202'), 'unavailable');
    expect(Date.now() - started).toBeLessThan(100);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await simulator.restart();
    await vi.waitFor(() => provider.ready(), { timeout: 5_000, interval: 50 });
    expect(simulator.binds.length).toBe(bindsBefore + 1);
    expect(simulator.binds.at(-1)).toMatchObject({ interfaceVersion: 0x34, accepted: true });
    const { providerMessageId } = await send('+33612340203');
    expect(providerMessageId).toBe(submitTo('33612340203').messageId);
  });

  it('never logs numbers or message text', () => {
    const logs = logLines.join('\n');
    expect(logs).toContain('smpp_bound');
    expect(logs).toContain('smpp_reconnecting');
    expect(logs).not.toMatch(/336123|447700|123456|Tessera|STOP|Frais/);
  });

  it('unbinds politely on close and then refuses to send', async () => {
    await provider.close();
    await vi.waitFor(() => expect(simulator.boundSessions()).toBe(0));
    await expectProviderError(send('+33612340204'), 'unavailable');
    await expect(provider.ready()).rejects.toBeInstanceOf(ProviderError);
  });
});

describe('SMPP provider with the wrong credentials', () => {
  it('is refused the bind (ESME_RBINDFAIL), reports unavailable and keeps trying', async () => {
    const bindsBefore = simulator.binds.length;
    const wrong = createSmppProvider({
      host: simulator.host,
      port: simulator.port,
      systemId: SYSTEM_ID,
      password: 'wrong',
      reconnectMs: 50,
    });
    try {
      const error = await expectProviderError(wrong.ready(), 'unavailable');
      expect(error.message).toContain('0x0000000d');
      await expectProviderError(
        wrong.send(message('+33612340300'), AbortSignal.timeout(1_000)),
        'unavailable',
      );
      await vi.waitFor(() =>
        expect(simulator.binds.length - bindsBefore).toBeGreaterThanOrEqual(2),
      );
      expect(simulator.binds.slice(bindsBefore).every((b) => !b.accepted)).toBe(true);
    } finally {
      await wrong.close();
    }
  });
});
