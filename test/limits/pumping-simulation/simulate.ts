/**
 * Drives the production pumping watch (screenSend, recordApproval) through simulated traffic, one
 * send at a time, on an injected clock: the sends of each simulated minute in time order, and
 * each approval at the moment its user enters the code.
 */
import type { PumpingSettings } from '../../../src/limits/pumping-policy.ts';
import {
  type PumpingDeps,
  type PumpingSubject,
  recordApproval,
  screenSend,
} from '../../../src/limits/pumping-watch.ts';
import { poisson, type Random } from './traffic.ts';

export interface Stream {
  label: string;
  /** Real users (whose refusals the watch must avoid) or an attack (which it must stop). */
  real: boolean;
  settings: PumpingSettings;
  /** Sends per hour at the instant `at` (epoch ms); 0 outside the stream's time. */
  perHour(at: number): number;
  /** A scripted attacker sends at regular intervals; users arrive at random (Poisson). */
  regular?: boolean;
  /** Where the next send goes. */
  next(random: Random): PumpingSubject;
  /** Share of codes entered. */
  conversion: number;
}

export interface StreamFigures {
  label: string;
  real: boolean;
  sends: number;
  /** Sends the watch let through (the SMS left). */
  out: number;
  refused: number;
  refusedBy: { pumping_prefix: number; pumping_country: number };
  /** How many ranges (prefix HMACs) the refused sends went to. */
  refusedRanges: number;
  /** Codes entered (approvals recorded before the simulation ended). */
  approved: number;
  /** Of the sends that went out, how many before the first refusal (an attack's first stop). */
  outBeforeFirstRefusal: number | null;
  /** Milliseconds from the stream's first send to its first refusal. */
  firstRefusalAfterMs: number | null;
}

interface Approval {
  at: number;
  subject: PumpingSubject;
  stream: number;
}

/** A binary min-heap of approvals by time. */
class ApprovalQueue {
  private readonly items: Approval[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Approval | undefined {
    return this.items[0];
  }
  push(item: Approval): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent] as Approval;
      if (above.at <= item.at) break;
      items[i] = above;
      i = parent;
    }
    items[i] = item;
  }
  pop(): Approval | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && (items[right] as Approval).at < (items[left] as Approval).at
          ? right
          : left;
      if ((items[child] as Approval).at >= last.at) break;
      items[i] = items[child] as Approval;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * How long a user takes to enter a code: 10 s to read it at least, typically under a minute,
 * sometimes several; past the code's 10 minutes it is never entered.
 */
function entryDelayMs(random: Random): number | null {
  const ms = 10_000 - Math.log(1 - random()) * 35_000;
  return ms < 600_000 ? ms : null;
}

interface SimulatedSend {
  at: number;
  stream: number;
}

export async function simulate(options: {
  deps: PumpingDeps;
  /** Sets the injected clock (service and wall clock alike). */
  setTime(ms: number): void;
  start: number;
  durationMs: number;
  streams: Stream[];
  random: Random;
}): Promise<StreamFigures[]> {
  const { deps, setTime, start, durationMs, streams, random } = options;
  const figures: StreamFigures[] = streams.map((s) => ({
    label: s.label,
    real: s.real,
    sends: 0,
    out: 0,
    refused: 0,
    refusedBy: { pumping_prefix: 0, pumping_country: 0 },
    refusedRanges: 0,
    approved: 0,
    outBeforeFirstRefusal: null,
    firstRefusalAfterMs: null,
  }));
  const firstSendAt: (number | null)[] = streams.map(() => null);
  const refusedRanges = streams.map(() => new Set<string>());
  const nextRegular: (number | null)[] = streams.map(() => null);
  const approvals = new ApprovalQueue();

  const approveUntil = async (until: number) => {
    for (let due = approvals.peek(); due && due.at <= until; due = approvals.peek()) {
      approvals.pop();
      setTime(due.at);
      await recordApproval(deps, (streams[due.stream] as Stream).settings, due.subject);
      (figures[due.stream] as StreamFigures).approved++;
    }
  };

  const sends: SimulatedSend[] = [];
  for (let minute = 0; minute * 60_000 < durationMs; minute++) {
    const from = minute * 60_000;
    sends.length = 0;
    streams.forEach((stream, i) => {
      const rate = stream.perHour(start + from);
      if (rate <= 0) {
        nextRegular[i] = null;
        return;
      }
      if (stream.regular) {
        const interval = 3_600_000 / rate;
        let at = nextRegular[i] ?? from;
        for (; at < from + 60_000; at += interval) sends.push({ at, stream: i });
        nextRegular[i] = at;
        return;
      }
      const n = poisson(random, rate / 60);
      for (let k = 0; k < n; k++) sends.push({ at: from + random() * 60_000, stream: i });
    });
    sends.sort((a, b) => a.at - b.at);
    for (const send of sends) {
      const at = start + Math.floor(send.at);
      // Most sends have no approval due before them: no call, no promise.
      if ((approvals.peek()?.at ?? Number.POSITIVE_INFINITY) <= at) await approveUntil(at);
      setTime(at);
      const stream = streams[send.stream] as Stream;
      const figure = figures[send.stream] as StreamFigures;
      const subject = stream.next(random);
      const verdict = await screenSend(deps, stream.settings, subject);
      firstSendAt[send.stream] ??= at;
      figure.sends++;
      if (verdict.blocked) {
        figure.refused++;
        figure.refusedBy[verdict.limit]++;
        (refusedRanges[send.stream] as Set<string>).add(subject.prefixHmac);
        figure.refusedRanges = (refusedRanges[send.stream] as Set<string>).size;
        if (figure.outBeforeFirstRefusal === null) {
          figure.outBeforeFirstRefusal = figure.out;
          figure.firstRefusalAfterMs = at - (firstSendAt[send.stream] ?? at);
        }
        continue;
      }
      figure.out++;
      if (random() >= stream.conversion) continue;
      const delay = entryDelayMs(random);
      if (delay !== null)
        approvals.push({ at: at + Math.floor(delay), subject, stream: send.stream });
    }
    await approveUntil(start + from + 59_999);
  }
  return figures;
}
