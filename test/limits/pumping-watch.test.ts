import { afterEach, describe, expect, it } from 'vitest';
import { type AppSettings, DEFAULT_APP_SETTINGS } from '../../src/kernel/app-settings.ts';
import {
  baselineHours,
  conversionCollapsed,
  hourIndex,
  numberPrefix,
  settledSends,
  trafficWindow,
  UNSETTLED_BUCKETS,
  velocitySuspect,
  velocityThreshold,
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
  countrySendsPerWindow: 100,
  baselineFactor: 3,
  velocityConversion: 0.3,
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

/** Moves past the newest buckets, so the sends made so far are old enough to be judged. */
const settle = (clock: { advance(ms: number): void }, settings: Pumping = BASE) =>
  clock.advance(UNSETTLED_BUCKETS * trafficWindow(settings.windowSeconds).bucketMs);

const passed = { blocked: false, trips: [], countedAt: expect.any(Number) };

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

  it('judges only sends old enough for their codes to have been entered', () => {
    expect(settledSends({ sent: 50, recent: 20 })).toBe(30);
    expect(settledSends({ sent: 5, recent: 5 })).toBe(0);
    // A take-back in an old bucket cannot make the recent part larger than the whole.
    expect(settledSends({ sent: 3, recent: 4 })).toBe(0);
  });

  it('suspects a scope past its floor only when it does not convert', () => {
    const settings = { velocityConversion: 0.3 };
    expect(velocitySuspect({ settled: 21, approved: 0 }, 20, settings)).toBe(true);
    expect(velocitySuspect({ settled: 20, approved: 0 }, 20, settings)).toBe(false);
    expect(velocitySuspect({ settled: 100, approved: 29 }, 20, settings)).toBe(true);
    expect(velocitySuspect({ settled: 100, approved: 30 }, 20, settings)).toBe(false);
  });

  it('sets the threshold at the floor, or at baselineFactor times the busiest hour', () => {
    const settings = { baselineFactor: 3, windowSeconds: 3600 };
    expect(velocityThreshold(20, 0, settings)).toBe(20);
    expect(velocityThreshold(20, 6, settings)).toBe(20);
    expect(velocityThreshold(20, 15, settings)).toBe(45);
    expect(velocityThreshold(100, 10_000, settings)).toBe(30_000);
    // Approvals are counted by the hour; a shorter window gets its share of them.
    expect(velocityThreshold(1, 15, { ...settings, windowSeconds: 1800 })).toBe(23);
  });

  it('reads the baseline from the last hour and the same hour ±1 of the last 7 days', () => {
    const now = Date.UTC(2025, 0, 8, 10, 30);
    const hour = hourIndex(now);
    const hours = baselineHours(now);
    expect(hours).toHaveLength(22);
    expect(hours).toContain(hour - 1);
    expect(hours).not.toContain(hour);
    for (let day = 1; day <= 7; day++)
      for (const off of [-1, 0, 1]) expect(hours).toContain(hour - 24 * day + off);
    expect(Math.min(...hours)).toBe(hour - 7 * 24 - 1);
  });

  it('cuts windows into twelve buckets of at least a second', () => {
    expect(trafficWindow(3600)).toEqual({ bucketMs: 300_000, buckets: 12 });
    expect(trafficWindow(100)).toEqual({ bucketMs: 8_334, buckets: 12 });
    expect(trafficWindow(5)).toEqual({ bucketMs: 1000, buckets: 5 });
    expect(() => trafficWindow(0)).toThrow(RangeError);
  });
});

describe('screenSend', () => {
  it('pauses a prefix past its floor that does not convert, naming the scope and reason', async () => {
    const { clock, deps } = setup();
    for (let i = 0; i < 21; i++) expect(await screenSend(deps, BASE, subject())).toEqual(passed);
    settle(clock);
    const verdict = await screenSend(deps, BASE, subject());
    expect(verdict).toEqual({
      blocked: true,
      limit: 'pumping_prefix',
      retryAfterMs: BASE.pauseSeconds * 1000,
      trips: [
        {
          scope: 'prefix',
          reason: 'velocity',
          dryRun: false,
          sent: 22,
          approved: 0,
          threshold: 20,
        },
      ],
      countedAt: expect.any(Number),
    });
    // The prefix is paused, not its country: another prefix in the country still sends.
    expect(await screenSend(deps, BASE, subject())).toMatchObject({
      blocked: true,
      trips: [{ scope: 'prefix', reason: 'paused' }],
    });
    expect((await screenSend(deps, BASE, subject({ prefixHmac: 'other' }))).blocked).toBe(false);
  });

  it('never refuses volume alone: a prefix far past its floor sends while it converts', async () => {
    const { clock, deps } = setup();
    for (let hour = 0; hour < 3; hour++) {
      for (let i = 0; i < 200; i++) {
        clock.advance(18_000);
        expect(await screenSend(deps, BASE, subject())).toEqual(passed);
        // One in two codes entered: below what real traffic does, well above pumping.
        if (i % 2 === 0) await recordApproval(deps, BASE, subject());
      }
    }
  });

  it('does not judge the newest buckets: a burst whose codes are not entered yet passes', async () => {
    const { clock, deps } = setup();
    // 200 sends at one instant and no approval yet: a shift starting, not pumping, so far.
    for (let i = 0; i < 200; i++) expect(await screenSend(deps, BASE, subject())).toEqual(passed);
    for (let i = 0; i < 180; i++) await recordApproval(deps, BASE, subject());
    settle(clock);
    expect(await screenSend(deps, BASE, subject())).toEqual(passed);
  });

  it('frees a prefix once its pause is over and its sends left the window', async () => {
    const { clock, deps } = setup();
    for (let i = 0; i < 21; i++) await screenSend(deps, BASE, subject());
    settle(clock);
    expect((await screenSend(deps, BASE, subject())).blocked).toBe(true);
    clock.advance(BASE.windowSeconds * 1000 + trafficWindow(BASE.windowSeconds).bucketMs);
    expect(await screenSend(deps, BASE, subject())).toEqual(passed);
  });

  it('pauses a scope tripping again for twice as long, and forgets it a day later', async () => {
    const { clock, deps } = setup();
    const trip = async () => {
      for (let i = 0; i < 21; i++) await screenSend(deps, BASE, subject());
      settle(clock);
      return screenSend(deps, BASE, subject());
    };
    const hour = BASE.pauseSeconds * 1000;
    expect(await trip()).toMatchObject({ blocked: true, retryAfterMs: hour });
    clock.advance(hour);
    expect(await trip()).toMatchObject({ blocked: true, retryAfterMs: 2 * hour });
    clock.advance(2 * hour);
    expect(await trip()).toMatchObject({ blocked: true, retryAfterMs: 4 * hour });
    // A day after the last pause ended, the scope starts afresh.
    clock.advance(4 * hour + 24 * hour);
    expect(await trip()).toMatchObject({ blocked: true, retryAfterMs: hour });
    // Never longer than maxPauseSeconds.
    const capped = { ...BASE, maxPauseSeconds: 5400 };
    clock.advance(hour);
    for (let i = 0; i < 21; i++) await screenSend(deps, capped, subject());
    settle(clock);
    expect(await screenSend(deps, capped, subject())).toMatchObject({ retryAfterMs: 5_400_000 });
  });

  it('lets a country past its floor send while it converts', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, countrySendsPerWindow: 10 };
    const verdicts = await sendToCountry(deps, settings, 11, { approveFirst: 11 });
    settle(clock);
    verdicts.push(...(await sendToCountry(deps, settings, 11)));
    expect(verdicts.every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
  });

  it('pauses a country past its floor that does not convert', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, countrySendsPerWindow: 10 };
    // 2 of 11 approved (18%): too few samples for the conversion pause (minSamples 30), but
    // past the floor and below velocityConversion.
    const before = await sendToCountry(deps, settings, 11, { approveFirst: 2 });
    expect(before.every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
    settle(clock);
    const verdict = await screenSend(deps, settings, subject({ prefixHmac: 'late' }));
    expect(verdict).toEqual({
      blocked: true,
      limit: 'pumping_country',
      retryAfterMs: settings.pauseSeconds * 1000,
      trips: [
        {
          scope: 'country',
          reason: 'velocity',
          dryRun: false,
          sent: 12,
          approved: 2,
          threshold: 10,
        },
      ],
      countedAt: expect.any(Number),
    });
  });

  it("learns a scope's threshold from its approvals: baselineFactor times its busiest hour", async () => {
    const { clock, deps } = setup();
    // Conversion is judged against velocityConversion only here; minSamples out of the way.
    const settings = { ...BASE, minSamples: 10_000 };
    const learnt = subject({ prefixHmac: 'learnt' });
    for (let i = 0; i < 15; i++) {
      await screenSend(deps, settings, learnt);
      await recordApproval(deps, settings, learnt);
    }
    // The same hour a day later: 15 approvals then, so 45 unconverted sends are still tolerated.
    clock.advance(24 * 3_600_000);
    for (let i = 0; i < 45; i++) expect(await screenSend(deps, settings, learnt)).toEqual(passed);
    settle(clock);
    expect(await screenSend(deps, settings, learnt)).toEqual(passed);
    settle(clock);
    expect(await screenSend(deps, settings, learnt)).toMatchObject({
      blocked: true,
      limit: 'pumping_prefix',
      trips: [{ scope: 'prefix', reason: 'velocity', sent: 47, approved: 0, threshold: 45 }],
    });
    // A prefix with no history has only its floor.
    const fresh = subject({ prefixHmac: 'fresh' });
    for (let i = 0; i < 21; i++) await screenSend(deps, settings, fresh);
    settle(clock);
    expect(await screenSend(deps, settings, fresh)).toMatchObject({
      blocked: true,
      trips: [{ scope: 'prefix', reason: 'velocity', threshold: 20 }],
    });
  });

  it('counts each approval in the hourly history of its prefix and country', async () => {
    const { deps } = setup();
    for (let i = 0; i < 3; i++) await recordApproval(deps, BASE, subject());
    await recordApproval(deps, BASE, subject({ prefixHmac: 'other' }));
    const hour = hourIndex(deps.clock.now());
    const keys = ['app_a:prefix:prefix0:approved', 'app_a:country:FR:approved'];
    expect(await deps.counters.peaks(keys, [hour])).toEqual([3, 4]);
    expect(await deps.counters.read(keys, BASE.windowSeconds, deps.clock.now())).toEqual([3, 4]);
  });

  it('pauses a country whose conversion collapses, and blocks what follows', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, countrySendsPerWindow: 1000 };
    const verdicts = await sendToCountry(deps, settings, 30, { approveFirst: 2 });
    expect(verdicts.every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
    settle(clock);
    // The first send judged with enough samples: 2 approvals of 30 is below 20 %.
    const later = await sendToCountry(deps, settings, 10);
    expect(later[0]).toEqual({
      blocked: true,
      limit: 'pumping_country',
      retryAfterMs: settings.pauseSeconds * 1000,
      trips: [{ scope: 'country', reason: 'conversion', dryRun: false, sent: 31, approved: 2 }],
      countedAt: expect.any(Number),
    });
    // Paused sends are refused before being counted.
    for (const v of later.slice(1)) {
      expect(v).toEqual({
        blocked: true,
        limit: 'pumping_country',
        retryAfterMs: settings.pauseSeconds * 1000,
        trips: [{ scope: 'country', reason: 'paused', dryRun: false, sent: 31, approved: 2 }],
        countedAt: null,
      });
    }
    clock.advance(60_000);
    const paused = await screenSend(deps, settings, subject({ prefixHmac: 'fresh' }));
    expect(paused.blocked).toBe(true);
    if (paused.blocked) expect(paused.retryAfterMs).toBe(settings.pauseSeconds * 1000 - 60_000);
  });

  it('lifts the pause after pauseSeconds', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, pauseSeconds: 600 };
    await sendToCountry(deps, settings, 30);
    settle(clock);
    expect((await screenSend(deps, settings, subject())).blocked).toBe(true);
    // Past the pause and past the window, so the old sends do not trip it again.
    clock.advance(settings.windowSeconds * 1000 + trafficWindow(settings.windowSeconds).bucketMs);
    expect(await screenSend(deps, settings, subject())).toEqual(passed);
  });

  it('never pauses a healthy country', async () => {
    const { clock, deps } = setup();
    const verdicts = await sendToCountry(deps, BASE, 40, { approveFirst: 30 });
    settle(clock);
    verdicts.push(...(await sendToCountry(deps, BASE, 10)));
    expect(verdicts.every((v) => !v.blocked && v.trips.length === 0)).toBe(true);
    expect(await deps.counters.pausedFor(['app_a:country:FR'])).toEqual([null]);
  });

  it('pauses a prefix whose conversion collapses', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, prefixSendsPerWindow: 100 };
    for (let i = 0; i < 30; i++)
      expect(await screenSend(deps, settings, subject())).toEqual(passed);
    settle(clock);
    const verdict = await screenSend(deps, settings, subject());
    expect(verdict).toMatchObject({
      blocked: true,
      limit: 'pumping_prefix',
      retryAfterMs: settings.pauseSeconds * 1000,
    });
    // Prefix and country collapse together here; both are reported, prefix is named first.
    expect(verdict.trips).toEqual([
      { scope: 'prefix', reason: 'conversion', dryRun: false, sent: 31, approved: 0 },
      { scope: 'country', reason: 'conversion', dryRun: false, sent: 31, approved: 0 },
    ]);
  });

  it('reports a scope tripping twice over once paused', async () => {
    const { clock, deps } = setup();
    for (let i = 0; i < 30; i++) await screenSend(deps, BASE, subject());
    settle(clock);
    const verdict = await screenSend(deps, BASE, subject());
    // Past its floor and collapsed: both reasons are audited, the prefix is paused once.
    expect(verdict.trips.filter((t) => t.scope === 'prefix').map((t) => t.reason)).toEqual([
      'velocity',
      'conversion',
    ]);
    expect(verdict).toMatchObject({ blocked: true, retryAfterMs: BASE.pauseSeconds * 1000 });
  });

  it('keeps pauses per app', async () => {
    const { clock, deps } = setup();
    await sendToCountry(deps, BASE, 30, { appId: 'app_a' });
    settle(clock);
    expect((await screenSend(deps, BASE, subject({ appId: 'app_a' }))).blocked).toBe(true);
    expect(await screenSend(deps, BASE, subject({ appId: 'app_b' }))).toEqual(passed);
  });

  it('dry run reports the same trips, but blocks and pauses nothing', async () => {
    const live = setup();
    const dry = setup();
    const drySettings = { ...BASE, dryRun: true };
    const run = async (at: ReturnType<typeof setup>, settings: Pumping) => {
      const verdicts = await sendToCountry(at.deps, settings, 30, { approveFirst: 2 });
      settle(at.clock);
      return [...verdicts, await screenSend(at.deps, settings, subject({ prefixHmac: 'late' }))];
    };
    const enforced = await run(live, BASE);
    const reported = await run(dry, drySettings);
    expect(enforced.at(-1)?.blocked).toBe(true);
    expect(reported.every((v) => !v.blocked)).toBe(true);
    expect(reported.map((v) => v.trips)).toEqual(
      enforced.map((v) => v.trips.map((t) => ({ ...t, dryRun: true }))),
    );
    expect(await dry.counters.pausedFor(['app_a:country:FR'])).toEqual([null]);

    // Velocity too: reported, not enforced.
    for (let i = 0; i < 21; i++) await screenSend(dry.deps, drySettings, subject({ appId: 'v' }));
    settle(dry.clock);
    expect(await screenSend(dry.deps, drySettings, subject({ appId: 'v' }))).toEqual({
      blocked: false,
      trips: [
        { scope: 'prefix', reason: 'velocity', dryRun: true, sent: 22, approved: 0, threshold: 20 },
      ],
      countedAt: expect.any(Number),
    });
  });

  it('takes a screened send back out of the counts, and only one that was counted', async () => {
    const { clock, deps } = setup();
    const settings = { ...BASE, prefixSendsPerWindow: 2 };
    await screenSend(deps, settings, subject());
    const second = await screenSend(deps, settings, subject());
    await takeBackSend(deps, settings, subject(), second);
    await screenSend(deps, settings, subject());
    settle(clock);
    // The taken-back send left room for one more: 2 judged sends, not 3, are not past the floor.
    expect((await screenSend(deps, settings, subject())).blocked).toBe(false);
    settle(clock);
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
