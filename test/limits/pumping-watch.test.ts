import { afterEach, describe, expect, it } from 'vitest';
import { type AppSettings, DEFAULT_APP_SETTINGS } from '../../src/kernel/app-settings.ts';
import {
  conversionCollapsed,
  numberPrefix,
  trafficWindow,
} from '../../src/limits/pumping-policy.ts';
import {
  type PumpingSubject,
  type PumpingVerdict,
  recordApproval,
  screenSend,
  takeBackSend,
} from '../../src/limits/pumping-watch.ts';
import { createMemoryTrafficCounters } from '../../src/limits/traffic-counters/memory-traffic-counters.ts';
import { createTestClock } from '../helpers/test-app.ts';

type Pumping = AppSettings['pumping'];

const BASE: Pumping = {
  ...DEFAULT_APP_SETTINGS.pumping,
  prefixSendsPerWindow: 20,
  countrySendsPerWindow: 1000,
  windowSeconds: 3600,
  minConversion: 0.2,
  minSamples: 30,
  pauseSeconds: 3600,
  dryRun: false,
};

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function setup() {
  // The wall clock (pauses) and the service clock move together, as they do in production.
  const clock = createTestClock();
  const counters = createMemoryTrafficCounters({ wallClock: clock.now });
  closers.push(counters.close);
  return { clock, counters, deps: { counters, clock } };
}

const subject = (over: Partial<PumpingSubject> = {}): PumpingSubject => ({
  appId: 'app_a',
  country: 'FR',
  prefixHmac: 'prefix0',
  ...over,
});

/** Sends `n` codes to the country, each to another prefix so only the country is watched. */
async function sendToCountry(
  deps: ReturnType<typeof setup>['deps'],
  settings: Pumping,
  n: number,
  options: { approveFirst?: number; appId?: string } = {},
): Promise<PumpingVerdict[]> {
  const verdicts: PumpingVerdict[] = [];
  for (let i = 0; i < n; i++) {
    const s = subject({ appId: options.appId ?? 'app_a', prefixHmac: `prefix${i}` });
    verdicts.push(await screenSend(deps, settings, s));
    if (i < (options.approveFirst ?? 0)) await recordApproval(deps, settings, s);
  }
  return verdicts;
}

describe('pumping policy', () => {
  it('takes the last 4 digits off the number', () => {
    expect(numberPrefix('+33612345678')).toBe('+3361234');
    expect(numberPrefix('+14155552671')).toBe('+1415555');
    expect(() => numberPrefix('0612345678')).toThrow(RangeError);
    expect(() => numberPrefix('+123')).toThrow(RangeError);
  });

  it('judges conversion only with enough samples', () => {
    const settings = { minSamples: 30, minConversion: 0.2 };
    expect(conversionCollapsed({ sent: 40, approved: 2 }, settings)).toBe(true);
    expect(conversionCollapsed({ sent: 40, approved: 8 }, settings)).toBe(false);
    expect(conversionCollapsed({ sent: 29, approved: 0 }, settings)).toBe(false);
    expect(conversionCollapsed({ sent: 30, approved: 5 }, settings)).toBe(true);
    expect(conversionCollapsed({ sent: 30, approved: 6 }, settings)).toBe(false);
  });

  it('cuts windows into twelve buckets of at least a second', () => {
    expect(trafficWindow(3600)).toEqual({ bucketMs: 300_000, buckets: 12 });
    expect(trafficWindow(100)).toEqual({ bucketMs: 8_334, buckets: 12 });
    expect(trafficWindow(5)).toEqual({ bucketMs: 1000, buckets: 5 });
    expect(() => trafficWindow(0)).toThrow(RangeError);
  });
});

describe('screenSend', () => {
  it('blocks a prefix sending above its velocity, naming the scope and reason', async () => {
    const { deps } = setup();
    for (let i = 0; i < 20; i++) {
      expect(await screenSend(deps, BASE, subject())).toEqual({
        blocked: false,
        trips: [],
        countedAt: expect.any(Number),
      });
    }
    const verdict = await screenSend(deps, BASE, subject());
    expect(verdict).toEqual({
      blocked: true,
      limit: 'pumping_prefix',
      retryAfterMs: trafficWindow(BASE.windowSeconds).bucketMs,
      trips: [{ scope: 'prefix', reason: 'velocity', dryRun: false, sent: 21, approved: 0 }],
      countedAt: expect.any(Number),
    });
    // Velocity blocks do not pause: another prefix in the country still sends.
    expect((await screenSend(deps, BASE, subject({ prefixHmac: 'other' }))).blocked).toBe(false);
  });

  it('frees a prefix once its sends leave the window', async () => {
    const { clock, deps } = setup();
    for (let i = 0; i < 21; i++) await screenSend(deps, BASE, subject());
    expect((await screenSend(deps, BASE, subject())).blocked).toBe(true);
    clock.advance(BASE.windowSeconds * 1000 + trafficWindow(BASE.windowSeconds).bucketMs);
    expect(await screenSend(deps, BASE, subject())).toEqual({
      blocked: false,
      trips: [],
      countedAt: expect.any(Number),
    });
  });

  it('blocks a country sending above its velocity', async () => {
    const { deps } = setup();
    const settings = { ...BASE, countrySendsPerWindow: 10 };
    const verdicts = await sendToCountry(deps, settings, 11, { approveFirst: 11 });
    expect(verdicts.slice(0, 10).every((v) => !v.blocked)).toBe(true);
    expect(verdicts[10]).toMatchObject({
      blocked: true,
      limit: 'pumping_country',
      trips: [{ scope: 'country', reason: 'velocity', dryRun: false, sent: 11, approved: 10 }],
    });
  });

  it('pauses a country whose conversion collapses, and blocks what follows', async () => {
    const { clock, deps } = setup();
    const verdicts = await sendToCountry(deps, BASE, 40, { approveFirst: 2 });
    // The 30th send is the first with enough samples: 2 approvals of 30 is below 20 %.
    expect(verdicts.slice(0, 29).every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
    expect(verdicts[29]).toEqual({
      blocked: true,
      limit: 'pumping_country',
      retryAfterMs: BASE.pauseSeconds * 1000,
      trips: [{ scope: 'country', reason: 'conversion', dryRun: false, sent: 30, approved: 2 }],
      countedAt: expect.any(Number),
    });
    // Paused sends are refused before being counted.
    for (const v of verdicts.slice(30)) {
      expect(v).toEqual({
        blocked: true,
        limit: 'pumping_country',
        retryAfterMs: BASE.pauseSeconds * 1000,
        trips: [{ scope: 'country', reason: 'paused', dryRun: false, sent: 30, approved: 2 }],
        countedAt: null,
      });
    }
    clock.advance(60_000);
    const later = await screenSend(deps, BASE, subject({ prefixHmac: 'fresh' }));
    expect(later.blocked).toBe(true);
    if (later.blocked) expect(later.retryAfterMs).toBe(BASE.pauseSeconds * 1000 - 60_000);
  });

  it('lifts the pause after pauseSeconds', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, pauseSeconds: 600 };
    await sendToCountry(deps, settings, 30);
    expect((await screenSend(deps, settings, subject())).blocked).toBe(true);
    // Past the pause and past the window, so the old sends do not trip it again.
    clock.advance(settings.windowSeconds * 1000 + trafficWindow(settings.windowSeconds).bucketMs);
    expect(await screenSend(deps, settings, subject())).toEqual({
      blocked: false,
      trips: [],
      countedAt: expect.any(Number),
    });
  });

  it('never pauses a healthy country', async () => {
    const { deps } = setup();
    const verdicts = await sendToCountry(deps, BASE, 40, { approveFirst: 30 });
    expect(verdicts.every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
    expect(await deps.counters.pausedFor(['app_a:country:FR'])).toEqual([null]);
  });

  it('pauses a prefix whose conversion collapses', async () => {
    const { deps } = setup();
    const settings = { ...BASE, prefixSendsPerWindow: 100 };
    let verdict: PumpingVerdict = { blocked: false, trips: [], countedAt: null };
    for (let i = 0; i < 30; i++) verdict = await screenSend(deps, settings, subject());
    expect(verdict).toMatchObject({
      blocked: true,
      limit: 'pumping_prefix',
      retryAfterMs: settings.pauseSeconds * 1000,
    });
    // Prefix and country collapse together here; both are reported, prefix is named first.
    expect(verdict.trips).toEqual([
      { scope: 'prefix', reason: 'conversion', dryRun: false, sent: 30, approved: 0 },
      { scope: 'country', reason: 'conversion', dryRun: false, sent: 30, approved: 0 },
    ]);
  });

  it('keeps pauses per app', async () => {
    const { deps } = setup();
    await sendToCountry(deps, BASE, 30, { appId: 'app_a' });
    expect((await screenSend(deps, BASE, subject({ appId: 'app_a' }))).blocked).toBe(true);
    expect(await screenSend(deps, BASE, subject({ appId: 'app_b' }))).toEqual({
      blocked: false,
      trips: [],
      countedAt: expect.any(Number),
    });
  });

  it('dry run reports the same trips, but blocks and pauses nothing', async () => {
    const live = setup();
    const dry = setup();
    const drySettings = { ...BASE, dryRun: true };
    const enforced = await sendToCountry(live.deps, BASE, 30, { approveFirst: 2 });
    const reported = await sendToCountry(dry.deps, drySettings, 30, { approveFirst: 2 });
    expect(reported.every((v) => !v.blocked)).toBe(true);
    expect(reported.map((v) => v.trips)).toEqual(
      enforced.map((v) => v.trips.map((t) => ({ ...t, dryRun: true }))),
    );
    expect(await dry.counters.pausedFor(['app_a:country:FR'])).toEqual([null]);

    // Velocity too: reported, not enforced.
    for (let i = 0; i < 20; i++) await screenSend(dry.deps, drySettings, subject({ appId: 'v' }));
    expect(await screenSend(dry.deps, drySettings, subject({ appId: 'v' }))).toEqual({
      blocked: false,
      trips: [{ scope: 'prefix', reason: 'velocity', dryRun: true, sent: 21, approved: 0 }],
      countedAt: expect.any(Number),
    });
  });

  it('takes a screened send back out of the counts, and only one that was counted', async () => {
    const { deps } = setup();
    const settings = { ...BASE, prefixSendsPerWindow: 2 };
    await screenSend(deps, settings, subject());
    const second = await screenSend(deps, settings, subject());
    await takeBackSend(deps, settings, subject(), second);
    // The taken-back send left room for one more before the velocity trips.
    expect((await screenSend(deps, settings, subject())).blocked).toBe(false);
    expect((await screenSend(deps, settings, subject())).blocked).toBe(true);

    await deps.counters.pause('app_a:prefix:prefix1', 600);
    const paused = await screenSend(deps, settings, subject({ prefixHmac: 'prefix1' }));
    expect(paused.countedAt).toBeNull();
    // Nothing was counted, so nothing is taken back (the country's count stays as it is).
    const before = await deps.counters.read(['app_a:country:FR:sent'], 3600, deps.clock.now());
    await takeBackSend(deps, settings, subject({ prefixHmac: 'prefix1' }), paused);
    expect(await deps.counters.read(['app_a:country:FR:sent'], 3600, deps.clock.now())).toEqual(
      before,
    );
  });

  it('dry run reports a pause left from before, without blocking', async () => {
    const { deps } = setup();
    await deps.counters.pause('app_a:prefix:prefix0', 600);
    expect(await screenSend(deps, BASE, subject())).toMatchObject({
      blocked: true,
      limit: 'pumping_prefix',
      trips: [{ scope: 'prefix', reason: 'paused', dryRun: false }],
    });
    expect(await screenSend(deps, { ...BASE, dryRun: true }, subject())).toEqual({
      blocked: false,
      trips: [{ scope: 'prefix', reason: 'paused', dryRun: true, sent: 0, approved: 0 }],
      countedAt: expect.any(Number),
    });
  });
});
