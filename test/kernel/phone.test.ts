import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../src/kernel/phone.ts';

const FR_MOBILE = { ok: true, e164: '+33612345678', country: 'FR', type: 'MOBILE' } as const;

describe('normalizePhone', () => {
  it.each([
    ['+33612345678', undefined],
    ['0033612345678', undefined],
    ['06 12 34 56 78', 'FR'],
    ['+33 6-12-34-56-78', undefined],
    ['0033612345678', 'FR'],
    ['06 12 34 56 78', 'fr'],
    ['  +33 (0)6 12 34 56 78  ', undefined],
    ['+33 6.12.34.56.78', 'GB'],
  ])('reads %j (country %s) as the same E.164 number', (input, country) => {
    expect(normalizePhone(input, country)).toEqual(FR_MOBILE);
  });

  it('accepts a UK mobile', () => {
    expect(normalizePhone('07400 123456', 'GB')).toEqual({
      ok: true,
      e164: '+447400123456',
      country: 'GB',
      type: 'MOBILE',
    });
  });

  it('accepts US and Canadian numbers, whose plan does not tell mobiles from landlines', () => {
    expect(normalizePhone('+1 201-555-0123')).toEqual({
      ok: true,
      e164: '+12015550123',
      country: 'US',
      type: 'FIXED_LINE_OR_MOBILE',
    });
    expect(normalizePhone('(613) 555-0123', 'CA')).toMatchObject({ ok: true, country: 'CA' });
  });

  it.each([
    ['a French landline', '+33 1 23 45 67 89'],
    ['a French premium-rate number', '+33 8 99 12 34 56'],
    ['a French toll-free number', '+33 8 00 12 34 56'],
    ['a French VoIP number', '+33 9 12 34 56 78'],
    ['a US toll-free number', '+1 800 555 0123'],
    ['an Irish landline', '+353 1 234 5678'],
    ['a satellite number without a country', '+881 6 312 345678'],
  ])('refuses %s as not_mobile', (_label, input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'not_mobile' });
  });

  it.each([
    ['a too-short number', '+33 6 12 34'],
    ['a too-long number', '+33 6 12 34 56 78 9'],
    ['a French number in an unallocated range', '+33 7 00 00 00 00'],
    ['a lone country code', '+33'],
    ['a number with an extension', '+33 6 12 34 56 78 ext. 12'],
  ])('refuses %s as invalid', (_label, input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['an empty string', '', undefined],
    ['blank space', '   ', undefined],
    ['garbage', 'not a phone number', undefined],
    ['a number followed by text', '+33612345678abc', undefined],
    ['a national number without a country', '06 12 34 56 78', undefined],
    ['an unknown country code', '06 12 34 56 78', 'XX'],
    ['a country name instead of a code', '06 12 34 56 78', 'France'],
  ])('refuses %s as unparseable', (_label, input, country) => {
    expect(normalizePhone(input, country)).toEqual({ ok: false, reason: 'unparseable' });
  });

  it('never throws, whatever the string', () => {
    const inputs = ['+', '00', '\u0000', '+'.repeat(500), '9'.repeat(500), '😀', '+33\n612345678'];
    for (const input of inputs) {
      expect(() => normalizePhone(input)).not.toThrow();
      expect(() => normalizePhone(input, 'FR')).not.toThrow();
      expect(normalizePhone(input).ok).toBe(false);
    }
  });
});

describe('maskPhone', () => {
  it('gives the form of the public API contract', () => {
    expect(maskPhone('+33612345678')).toBe('+33 6•• •• •• 78');
  });

  it('keeps the international grouping of other countries', () => {
    expect(maskPhone('+447700900123')).toBe('+44 7••• ••••23');
    expect(maskPhone('+12015550123')).toBe('+1 2•• ••• ••23');
    expect(maskPhone('+4915112345678')).toBe('+49 1••• •••••78');
  });

  it('hides every digit of something it cannot read', () => {
    expect(maskPhone('0612345678')).toBe('••••••••••');
    expect(maskPhone('')).toBe('');
  });

  it('hides a very short national number entirely', () => {
    expect(maskPhone('+6834002')).toBe('+683 ••••');
  });
});

// Deterministic PRNG (mulberry32) so a failure can be replayed.
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Mobile blocks of the French plan (ARCEP): 060-068 but 0639, 0695, 0698, 0699, 073-079.
const FR_MOBILE_PREFIXES = [
  ...Array.from({ length: 90 }, (_, i) => String(600 + i)).filter((p) => p !== '639'),
  '695',
  '698',
  '699',
  ...Array.from({ length: 70 }, (_, i) => String(730 + i)),
];

describe('French mobiles, property-style', () => {
  const random = prng(20_240_601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const numbers = Array.from({ length: 300 }, () => {
    let nsn = pick(FR_MOBILE_PREFIXES);
    while (nsn.length < 9) nsn += String(Math.floor(random() * 10));
    return nsn;
  });

  it('normalises every spelling of a number identically', () => {
    for (const nsn of numbers) {
      const pairs = nsn.slice(1).match(/../g)!;
      const e164 = `+33${nsn}`;
      const spellings: [string, string | undefined][] = [
        [e164, undefined],
        [`0033${nsn}`, undefined],
        [`0033${nsn}`, 'FR'],
        [`0${nsn}`, 'FR'],
        [`0${nsn[0]} ${pairs.join(' ')}`, 'fr'],
        [`0${nsn[0]}.${pairs.join('.')}`, 'FR'],
        [`+33 ${nsn[0]}-${pairs.join('-')}`, undefined],
        [`+33 (0)${nsn[0]} ${pairs.join(' ')}`, 'US'],
      ];
      for (const [input, country] of spellings) {
        expect(normalizePhone(input, country), `${input} (${country})`).toEqual({
          ok: true,
          e164,
          country: 'FR',
          type: 'MOBILE',
        });
      }
    }
  });

  it('masks every number without showing its middle digits', () => {
    for (const nsn of numbers) {
      const masked = maskPhone(`+33${nsn}`);
      expect(masked).toBe(`+33 ${nsn[0]}•• •• •• ${nsn.slice(-2)}`);
      // Only the calling code, the first and the last two digits are left.
      expect(masked.replace(/\D/g, '')).toBe(`33${nsn[0]}${nsn.slice(-2)}`);
    }
  });
});
