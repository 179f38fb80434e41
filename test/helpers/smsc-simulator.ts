import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';

/**
 * An SMSC on 127.0.0.1 built on the `smpp` package's server, so the SMPP provider is tested over
 * real TCP and real PDUs. What happens to a submit_sm depends on its destination (without '+').
 */
export type SmscBehaviour =
  /** submit_resp, then a `stat:DELIVRD` receipt (message_state 2). */
  | { kind: 'deliver'; receiptAfterMs?: number }
  /** submit_resp, then a `stat:UNDELIV` receipt (message_state 5). */
  | { kind: 'undeliverable'; receiptAfterMs?: number }
  /** submit_resp and no receipt. */
  | { kind: 'accept' }
  /** submit_resp with this command_status (default 0x45 ESME_RSUBMITFAIL). */
  | { kind: 'reject'; status?: number }
  /** submit_resp (accepted, no receipt) only after this long. */
  | { kind: 'slow'; respondAfterMs: number }
  /** Never answers the submit_sm. */
  | { kind: 'silent' };

export interface SubmittedMessage {
  /** The id given in submit_resp; null when the submit was rejected or never answered. */
  messageId: string | null;
  destination: string;
  destinationTon: number;
  destinationNpi: number;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  dataCoding: number;
  priorityFlag: number;
  registeredDelivery: number;
  esmClass: number;
  /** short_message octets exactly as they came over the wire. */
  bytes: Buffer;
  /** short_message as the `smpp` package's server decodes it for that data_coding. */
  text: string;
  at: Date;
}

export interface BindAttempt {
  command: string;
  systemId: string;
  systemType: string;
  interfaceVersion: number;
  accepted: boolean;
}

export interface DeliverAck {
  kind: 'receipt' | 'inbound';
  /** The id the receipt was about (receipts only). */
  messageId: string | null;
  /** command_status of the ESME's deliver_sm_resp. */
  status: number;
}

export interface Simulator {
  readonly host: string;
  readonly port: number;
  readonly submits: SubmittedMessage[];
  readonly binds: BindAttempt[];
  readonly deliverAcks: DeliverAck[];
  readonly enquireLinks: number;
  /** unbind PDUs received: an ESME that leaves politely. */
  readonly unbinds: number;
  /** How a destination (E.164, '+' optional) is treated; others get the default ('deliver'). */
  behave(destination: string, behaviour: SmscBehaviour): void;
  setDefaultBehaviour(behaviour: SmscBehaviour): void;
  /** Stop answering enquire_link (a hung SMSC whose TCP connection stays open). */
  answerEnquireLink(answer: boolean): void;
  boundSessions(): number;
  /** A mobile-originated message (esm_class 0) on a bound session; resolves with the resp status. */
  sendInbound(message: { from: string; to: string; text: string }): Promise<number>;
  /** Drops every session and stops listening; pending receipts and replies are lost. */
  kill(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_RECEIPT_AFTER_MS = 20;
const BIND_COMMANDS = ['bind_transceiver', 'bind_transmitter', 'bind_receiver'];

export async function startSmscSimulator(
  options: { systemId?: string; password?: string } = {},
): Promise<Simulator> {
  const systemId = options.systemId ?? 'tessera';
  const password = options.password ?? 'secret';
  const submits: SubmittedMessage[] = [];
  const binds: BindAttempt[] = [];
  const deliverAcks: DeliverAck[] = [];
  const behaviours = new Map<string, SmscBehaviour>();
  let defaultBehaviour: SmscBehaviour = { kind: 'deliver' };
  let answerEnquire = true;
  let enquireLinks = 0;
  let unbinds = 0;
  let nextId = 0;
  const bound = new Set<Session>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server = smpp.createServer((session) => {
    const lastRaw = captureRawPdus(session);
    session.on('error', () => {});
    session.on('close', () => bound.delete(session));

    for (const command of BIND_COMMANDS) {
      session.on(command, (pdu: PDU) => {
        const accepted =
          command === 'bind_transceiver' &&
          pdu.system_id === systemId &&
          pdu.password === password &&
          !bound.has(session);
        binds.push({
          command,
          systemId: String(pdu.system_id),
          systemType: String(pdu.system_type),
          interfaceVersion: Number(pdu.interface_version),
          accepted,
        });
        if (accepted) bound.add(session);
        session.send(
          pdu.response(
            accepted
              ? { system_id: 'TESSERA-SIM' }
              : { command_status: smpp.errors.ESME_RBINDFAIL as number },
          ),
        );
      });
    }

    session.on('enquire_link', (pdu: PDU) => {
      enquireLinks++;
      if (answerEnquire) session.send(pdu.response());
    });

    session.on('unbind', (pdu: PDU) => {
      unbinds++;
      bound.delete(session);
      session.send(pdu.response());
      session.close();
    });

    session.on('unknown', (pdu: PDU) => session.send(pdu.response()));

    session.on('submit_sm', (pdu: PDU) => {
      if (!bound.has(session)) {
        session.send(pdu.response({ command_status: smpp.errors.ESME_RINVBNDSTS as number }));
        return;
      }
      const destination = String(pdu.destination_addr);
      const record: SubmittedMessage = {
        messageId: null,
        destination,
        destinationTon: Number(pdu.dest_addr_ton),
        destinationNpi: Number(pdu.dest_addr_npi),
        source: String(pdu.source_addr),
        sourceTon: Number(pdu.source_addr_ton),
        sourceNpi: Number(pdu.source_addr_npi),
        dataCoding: Number(pdu.data_coding),
        priorityFlag: Number(pdu.priority_flag),
        registeredDelivery: Number(pdu.registered_delivery),
        esmClass: Number(pdu.esm_class),
        bytes: shortMessageOctets(lastRaw()),
        text: decodedText(pdu.short_message),
        at: new Date(),
      };
      submits.push(record);
      const behaviour = behaviours.get(destination) ?? defaultBehaviour;
      const accept = () => {
        record.messageId = (++nextId).toString(16).padStart(10, '0');
        session.send(pdu.response({ message_id: record.messageId }));
        return record.messageId;
      };
      switch (behaviour.kind) {
        case 'silent':
          return;
        case 'reject':
          session.send(
            pdu.response({
              command_status: behaviour.status ?? (smpp.errors.ESME_RSUBMITFAIL as number),
            }),
          );
          return;
        case 'slow':
          later(behaviour.respondAfterMs, accept);
          return;
        case 'accept':
          accept();
          return;
        case 'deliver':
        case 'undeliverable': {
          const id = accept();
          const delivered = behaviour.kind === 'deliver';
          later(behaviour.receiptAfterMs ?? DEFAULT_RECEIPT_AFTER_MS, () =>
            sendReceipt(session, record, id, delivered),
          );
        }
      }
    });
  });
  server.on('error', () => {});

  function sendReceipt(origin: Session, record: SubmittedMessage, id: string, delivered: boolean) {
    // The receipt goes back on the submitting session, or any bound one if that is gone.
    const session = bound.has(origin) ? origin : [...bound][0];
    if (!session) return;
    const stamp = receiptDate(new Date());
    const text =
      `id:${id} sub:001 dlvrd:${delivered ? '001' : '000'} submit date:${receiptDate(record.at)} ` +
      `done date:${stamp} stat:${delivered ? 'DELIVRD' : 'UNDELIV'} err:${delivered ? '000' : '001'} text:`;
    const pdu = new smpp.PDU('deliver_sm', {
      source_addr_ton: record.destinationTon,
      source_addr_npi: record.destinationNpi,
      source_addr: record.destination,
      dest_addr_ton: record.sourceTon,
      dest_addr_npi: record.sourceNpi,
      destination_addr: record.source,
      esm_class: 0x04,
      data_coding: 0,
      short_message: text,
      receipted_message_id: id,
      message_state: delivered ? 2 : 5,
    });
    session.send(pdu, (resp) =>
      deliverAcks.push({ kind: 'receipt', messageId: id, status: resp.command_status }),
    );
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });

  const kill = async () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    bound.clear();
    if (!server.listening) {
      for (const session of [...server.sessions]) session.destroy();
      return;
    }
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const session of [...server.sessions]) session.destroy();
    await stopped;
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    host: HOST,
    port,
    submits,
    binds,
    deliverAcks,
    get enquireLinks() {
      return enquireLinks;
    },
    get unbinds() {
      return unbinds;
    },
    behave(destination, behaviour) {
      behaviours.set(destination.replace(/^\+/, ''), behaviour);
    },
    setDefaultBehaviour(behaviour) {
      defaultBehaviour = behaviour;
    },
    answerEnquireLink(answer) {
      answerEnquire = answer;
    },
    boundSessions: () => bound.size,
    sendInbound(message) {
      const session = [...bound][0];
      if (!session) return Promise.reject(new Error('no bound session'));
      const pdu = new smpp.PDU('deliver_sm', {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: message.from.replace(/^\+/, ''),
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: message.to.replace(/^\+/, ''),
        esm_class: 0,
        data_coding: 0,
        short_message: message.text,
      });
      return new Promise((resolve) => {
        session.send(pdu, (resp) => {
          deliverAcks.push({ kind: 'inbound', messageId: null, status: resp.command_status });
          resolve(resp.command_status);
        });
      });
    },
    kill,
    restart: () => listen(port),
    close: kill,
  };
}

/**
 * The package parses PDUs with socket.read(4) for the length and then read(length - 4) for the
 * rest, and decodes short_message on the way; keeping what read() returned gives us the octets.
 */
function captureRawPdus(session: Session): () => Buffer {
  const socket = session.socket;
  const read = socket.read.bind(socket);
  let chunks: Buffer[] = [];
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk)) {
      if (size === 4) chunks = [chunk];
      else chunks.push(chunk);
    }
    return chunk;
  };
  return () => Buffer.concat(chunks);
}

/** Walks a raw submit_sm (SMPP v3.4 §4.4.1) to its short_message. */
function shortMessageOctets(raw: Buffer): Buffer {
  let offset = 16;
  const skipCString = () => {
    offset = raw.indexOf(0, offset) + 1;
  };
  skipCString(); // service_type
  offset += 2; // source_addr_ton, source_addr_npi
  skipCString(); // source_addr
  offset += 2; // dest_addr_ton, dest_addr_npi
  skipCString(); // destination_addr
  offset += 3; // esm_class, protocol_id, priority_flag
  skipCString(); // schedule_delivery_time
  skipCString(); // validity_period
  offset += 4; // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
  const length = raw.readUInt8(offset);
  return Buffer.from(raw.subarray(offset + 1, offset + 1 + length));
}

function decodedText(field: unknown): string {
  const message = (field as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string') return message;
  return Buffer.isBuffer(message) ? message.toString('latin1') : '';
}

/** YYMMDDhhmm, the receipt's date format (SMPP v3.4 Appendix B). */
function receiptDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes())
  );
}
