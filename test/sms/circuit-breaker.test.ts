import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/sms/circuit-breaker.ts';

describe('circuit breaker', () => {
  const make = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });

  it('opens after the threshold of consecutive failures, and a success resets the count', () => {
    const breaker = make();
    breaker.failure(0);
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    breaker.failure(0);
    expect(breaker.tryPass(0)).toBe(true);
    breaker.failure(0);
    expect(breaker.state(0)).toBe('open');
    expect(breaker.tryPass(999)).toBe(false);
  });

  it('lets exactly one probe through once open time is over; its success closes it', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.failure(0);
    expect(breaker.state(1000)).toBe('half_open');
    expect(breaker.tryPass(1000)).toBe(true);
    expect(breaker.tryPass(1000)).toBe(false);
    breaker.success();
    expect(breaker.state(1001)).toBe('closed');
    expect(breaker.tryPass(1001)).toBe(true);
  });

  it('a failed probe opens it again for a full period', () => {
    const breaker = make();
    for (let i = 0; i < 3; i++) breaker.failure(0);
    expect(breaker.tryPass(1500)).toBe(true);
    breaker.failure(1500);
    expect(breaker.state(2400)).toBe('open');
    expect(breaker.state(2500)).toBe('half_open');
  });
});
