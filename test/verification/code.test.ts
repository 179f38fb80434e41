import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CODE_LENGTH } from '../../src/kernel/app-settings.ts';
import { generateCode, isWellFormedCode } from '../../src/verification/code.ts';

/** Pearson's chi-square statistic of digit counts against a uniform distribution over 0-9. */
function chiSquare(digits: string): number {
  const counts = new Array<number>(10).fill(0);
  for (const d of digits) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
  const expected = digits.length / 10;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

/**
 * Upper tail of chi-square with 9 degrees of freedom: P(X > 45) ≈ 9.2e-7, so a fair generator
 * fails this test less than once in a million runs.
 */
const CHI_SQUARE_DF9_P1E6 = 45;
const SAMPLE_DIGITS = 200_000;

function sampleDigits(generate: () => string): string {
  let digits = '';
  while (digits.length < SAMPLE_DIGITS) digits += generate();
  return digits.slice(0, SAMPLE_DIGITS);
}

describe('generateCode', () => {
  it.each([3, 11, 6.5, 0, -6, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses length %s (codes are 4-10 whole digits)',
    (length) => {
      expect(() => generateCode(length)).toThrow(RangeError);
    },
  );

  it.each([CODE_LENGTH.min, CODE_LENGTH.default, CODE_LENGTH.max])(
    'makes a code of exactly %i ASCII digits',
    (length) => {
      for (let i = 0; i < 50; i++)
        expect(generateCode(length)).toMatch(new RegExp(`^[0-9]{${length}}$`));
    },
  );

  it('pins the length bounds to 4..10 with 6 by default', () => {
    expect(CODE_LENGTH).toEqual({ min: 4, max: 10, default: 6 });
  });

  it('asks the digit source for exactly randomInt(10) per digit: no wider draw reduced with %', () => {
    const asked: number[] = [];
    const sequence = [7, 0, 3, 9, 1, 0, 5, 8, 2, 4];
    const code = generateCode(10, (max) => {
      asked.push(max);
      return sequence[asked.length - 1] as number;
    });
    expect(asked).toEqual(new Array(10).fill(10));
    // Each drawn value is the digit itself, in order: nothing is reduced, reordered or dropped.
    expect(code).toBe('7039105824');
  });

  it('keeps leading zeros (a code is a string, not a number)', () => {
    expect(generateCode(6, () => 0)).toBe('000000');
    expect(generateCode(4, (max) => max - 1)).toBe('9999');
  });

  it(`draws uniform digits: chi-square over ${SAMPLE_DIGITS} real digits stays below ${CHI_SQUARE_DF9_P1E6}`, () => {
    const statistic = chiSquare(sampleDigits(() => generateCode(CODE_LENGTH.max)));
    expect(statistic).toBeLessThan(CHI_SQUARE_DF9_P1E6);
  });

  it('the uniformity check does catch a modulo-biased generator', () => {
    // randomInt(16) % 10 makes 0-5 twice as likely as 6-9: the bias the real generator avoids.
    const biased = (max: number) => randomInt(16) % max;
    const statistic = chiSquare(sampleDigits(() => generateCode(CODE_LENGTH.max, biased)));
    expect(statistic).toBeGreaterThan(CHI_SQUARE_DF9_P1E6);
  });
});

describe('isWellFormedCode', () => {
  it('accepts ASCII digits of the verification length', () => {
    expect(isWellFormedCode('012345', 6)).toBe(true);
    expect(isWellFormedCode('0000', 4)).toBe(true);
    expect(isWellFormedCode('9876543210', 10)).toBe(true);
  });

  it.each([
    ['too short', '12345', 6],
    ['too long', '1234567', 6],
    ['empty', '', 6],
    ['the right digits for another length', '123456', 8],
    ['letters', '12a456', 6],
    ['hex', 'abcdef', 6],
    ['Arabic-Indic digits', '١٢٣٤٥٦', 6],
    ['fullwidth digits', '１２３４５６', 6],
    ['Devanagari digits', '१२३४५६', 6],
    ['a leading space', ' 12345', 6],
    ['a trailing space', '12345 ', 6],
    ['an inner space', '123 56', 6],
    ['a trailing newline', '12345\n', 6],
    ['a sign', '-12345', 6],
    ['a decimal point', '123.45', 6],
    ['an exponent', '1e5000', 6],
  ])('refuses %s (%j for length %i)', (_, code, length) => {
    expect(isWellFormedCode(code, length)).toBe(false);
  });
});
