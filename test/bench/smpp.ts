import { performance } from 'node:perf_hooks';
import { createSmppProvider } from '../../src/sms/providers/smpp/smpp.ts';
import { startSmscSimulator } from '../helpers/smsc-simulator.ts';

export interface SmppBenchResult {
  messagesPerSecond: number;
  sent: number;
  failed: number;
  receiptP50Ms: number;
  receiptP99Ms: number;
}

/**
 * The SMPP route alone, on one bound session to the local SMSC simulator (which answers at once
 * and sends a DELIVRD receipt at once): submits per second with `concurrency` in flight, and the
 * time from submit to receipt. Bounded by `durationMs`.
 */
export async function benchSmpp(durationMs = 5_000, concurrency = 32): Promise<SmppBenchResult> {
  const smsc = await startSmscSimulator();
  smsc.setDefaultBehaviour({ kind: 'deliver', receiptAfterMs: 0 });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const provider = createSmppProvider({
    host: smsc.host,
    port: smsc.port,
    systemId: 'tessera',
    password: 'secret',
    onReceipt: ({ providerMessageId }) => {
      const start = sentAt.get(providerMessageId);
      if (start !== undefined) latencies.push(performance.now() - start);
    },
  });
  try {
    await provider.ready();
    let sent = 0;
    let failed = 0;
    let serial = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    const worker = async () => {
      while (performance.now() < deadline) {
        const n = serial++;
        const t0 = performance.now();
        try {
          const { providerMessageId } = await provider.send(
            {
              appId: 'bench',
              to: `+336${String(10_000_000 + (n % 89_999_999)).padStart(8, '0')}`,
              text: `Tessera: your code is ${String(n % 1_000_000).padStart(6, '0')}. Valid for 10 min. Never share it.`,
              senderId: 'Tessera',
              reference: `ver_${n}`,
            },
            AbortSignal.timeout(5_000),
          );
          if (providerMessageId) sentAt.set(providerMessageId, t0);
          sent += 1;
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    // Receipts still on their way get a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return {
      messagesPerSecond: sent / elapsed,
      sent,
      failed,
      receiptP50Ms: at(0.5),
      receiptP99Ms: at(0.99),
    };
  } finally {
    await provider.close();
    await smsc.close();
  }
}
