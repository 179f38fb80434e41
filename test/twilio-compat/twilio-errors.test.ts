import { describe, expect, it } from 'vitest';
import { problemDetails } from '../../src/http/problem.ts';
import { newId } from '../../src/kernel/ids.ts';
import {
  accountSid,
  isServiceSid,
  verificationIdOf,
  verificationSid,
} from '../../src/twilio-compat/sids.ts';
import { fromProblem } from '../../src/twilio-compat/twilio-errors.ts';

describe('Twilio sids for Tessera ids', () => {
  it('turns a verification id into a VE sid and back, for any id', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId('ver');
      const sid = verificationSid(id);
      expect(sid).toMatch(/^VE[0-9a-f]{32}$/);
      expect(verificationIdOf(sid)).toBe(id);
    }
  });

  it('names no verification with anything but a VE sid of 32 lowercase hex digits', () => {
    for (const sid of [
      `VE${'0'.repeat(31)}`,
      `VE${'A'.repeat(32)}`,
      `VA${'0'.repeat(32)}`,
      'ver_x',
      '',
    ]) {
      expect(verificationIdOf(sid)).toBeNull();
    }
  });

  it('derives a stable account sid per app, different across apps', () => {
    expect(accountSid('app_1')).toMatch(/^AC[0-9a-f]{32}$/);
    expect(accountSid('app_1')).toBe(accountSid('app_1'));
    expect(accountSid('app_2')).not.toBe(accountSid('app_1'));
  });

  it('accepts any VA sid of 32 hex digits as a service', () => {
    expect(isServiceSid(`VA${'ab12'.repeat(8)}`)).toBe(true);
    expect(isServiceSid('VAnope')).toBe(false);
    expect(isServiceSid(`VE${'0'.repeat(32)}`)).toBe(false);
  });
});

describe('Tessera refusals in Twilio words', () => {
  const cases: [Parameters<typeof problemDetails>, number, number][] = [
    [[400, 'invalid_request', 'x', { errors: [{ path: 'To', message: 'Required' }] }], 60200, 400],
    [[422, 'invalid_phone_number', 'x'], 60200, 400],
    [[422, 'invalid_code_format', 'x'], 60200, 400],
    [[401, 'unauthorized', 'x'], 20003, 401],
    [[403, 'forbidden', 'x'], 20403, 403],
    [[403, 'destination_blocked', 'x'], 60605, 403],
    [[404, 'verification_not_found', 'x'], 20404, 404],
    [[404, 'not_found', 'x'], 20404, 404],
    [[409, 'verification_closed', 'x'], 20404, 404],
    [[423, 'phone_locked', 'x'], 60202, 429],
    [[429, 'rate_limited', 'x', { limit: 'verification_sends' }], 60203, 429],
    [[429, 'rate_limited', 'x', { limit: 'phone_send_hour' }], 60203, 429],
    [[429, 'rate_limited', 'x', { limit: 'phone_send_day' }], 60203, 429],
    [[429, 'rate_limited', 'x', { limit: 'resend_cooldown' }], 60203, 429],
    [[429, 'rate_limited', 'x', { limit: 'phone_failed_checks' }], 60202, 429],
    [[429, 'rate_limited', 'x', { limit: 'ip_check_hour' }], 60202, 429],
    [[429, 'rate_limited', 'x', { limit: 'pumping_prefix' }], 60410, 429],
    [[429, 'rate_limited', 'x', { limit: 'pumping_country' }], 60410, 429],
    [[429, 'rate_limited', 'x', { limit: 'ip_send_hour' }], 20429, 429],
    [[429, 'budget_exceeded', 'x', { limit: 'app_daily_budget' }], 20429, 429],
    [[503, 'service_unavailable', 'x'], 20503, 503],
    [[503, 'delivery_unavailable', 'x'], 20503, 503],
    [[500, 'internal_error', 'x'], 20500, 500],
  ];
  it.each(cases)('%j is %i with status %i', (problem, code, status) => {
    const error = fromProblem(problemDetails(...problem));
    expect(error).toMatchObject({ code, status });
    expect(error.more_info).toBe(`https://www.twilio.com/docs/errors/${code}`);
  });

  it('names the parameter at fault as Twilio does', () => {
    const problem = problemDetails(400, 'invalid_request', 'x', {
      errors: [{ path: 'Channel', message: 'Required' }],
    });
    expect(fromProblem(problem).message).toBe('Invalid parameter: Channel');
  });
});
