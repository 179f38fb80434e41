import { performance } from 'node:perf_hooks';
import type { ConsoleInbox } from './console-inbox.ts';
import type { BenchClient, HttpResponse } from './http-client.ts';

export type Endpoint = 'send' | 'check';
export const ENDPOINTS: readonly Endpoint[] = ['send', 'check'];

/** Where cycles are run: the server's API, and the SMS its console route prints. */
export interface BenchTarget {
  client: BenchClient;
  inbox: ConsoleInbox;
}

/** Milliseconds each step of one cycle took. */
export type CycleTimings = Record<Endpoint, number>;

export class CycleError extends Error {}

// +33 61x xx xx xx: every number of this block is a valid French mobile number for
// libphonenumber, whatever the counter gives (unlike +33 639… or +33 690…).
let nextPhone = 0;
export function nextPhoneNumber(): string {
  const n = nextPhone++;
  if (n >= 10_000_000) throw new Error('the bench ran out of phone numbers');
  return `+3361${String(n).padStart(7, '0')}`;
}

function parse(step: Endpoint, response: HttpResponse, expected: number): Record<string, unknown> {
  if (response.status !== expected) {
    throw new CycleError(`${step}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  }
  try {
    return JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new CycleError(`${step}: not JSON: ${response.body.slice(0, 300)}`);
  }
}

/**
 * One full cycle: send a code, read it off the console route's output (the phone), check it (must
 * be approved). `startedAt` is when the cycle was due (open loop): the send's latency counts from
 * then, so a cycle the generator started late shows its wait instead of hiding it.
 */
export async function runCycle(
  { client, inbox }: BenchTarget,
  startedAt = performance.now(),
): Promise<CycleTimings> {
  const to = nextPhoneNumber();
  const sent = parse(
    'send',
    await client.request('POST', '/v1/verify', { to, purpose: 'login', locale: 'en' }),
    201,
  );
  const afterSend = performance.now();
  const id = sent.id;
  if (typeof id !== 'string') throw new CycleError(`send: no id in ${JSON.stringify(sent)}`);

  const code = await inbox.take(id).catch((error: Error) => {
    throw new CycleError(`sms: ${error.message}`);
  });
  // The check's latency starts once the code is known, as a person's would.
  const beforeCheck = performance.now();
  const checked = parse(
    'check',
    await client.request('POST', `/v1/verify/${encodeURIComponent(id)}/check`, { code }),
    200,
  );
  const afterCheck = performance.now();
  if (checked.valid !== true) {
    throw new CycleError(`check: not approved: ${JSON.stringify(checked)}`);
  }
  return { send: afterSend - startedAt, check: afterCheck - beforeCheck };
}

/** One cycle against the reference floor (floor-server.ts): the code comes back in the answer. */
export async function runFloorCycle(client: BenchClient): Promise<void> {
  const sent = parse('send', await client.request('POST', '/send', { to: nextPhoneNumber() }), 201);
  const checked = parse(
    'check',
    await client.request('POST', '/check', { id: sent.id, code: sent.code }),
    200,
  );
  if (checked.valid !== true) throw new CycleError(`floor check: not approved: ${checked.valid}`);
}
