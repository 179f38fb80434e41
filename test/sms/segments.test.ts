import { describe, expect, it } from 'vitest';
import { countSegments } from '../../src/sms/segments.ts';

const gsm = (units: number, segments: number) => ({ encoding: 'GSM-7', units, segments });
const ucs2 = (units: number, segments: number) => ({ encoding: 'UCS-2', units, segments });

describe('countSegments, GSM-7', () => {
  it('counts empty text as one segment of nothing', () => {
    expect(countSegments('')).toEqual(gsm(0, 1));
  });

  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])('%i basic characters make %i segment(s)', (length, segments) => {
    expect(countSegments('a'.repeat(length))).toEqual(gsm(length, segments));
  });

  it('counts extension characters as two septets, across the 160 boundary', () => {
    expect(countSegments(`${'a'.repeat(158)}€`)).toEqual(gsm(160, 1));
    expect(countSegments(`${'a'.repeat(159)}€`)).toEqual(gsm(161, 2));
    expect(countSegments('^{}\\[~]|€\f')).toEqual(gsm(20, 1));
    expect(countSegments('{'.repeat(80))).toEqual(gsm(160, 1));
    expect(countSegments('{'.repeat(81))).toEqual(gsm(162, 2));
  });

  it('never splits an escape from its character across parts', () => {
    // 152 + 2 septets: the euro sign would straddle the first part's 153rd septet.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toEqual(gsm(306, 3));
    expect(countSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`)).toEqual(gsm(306, 2));
  });

  it('keeps French accented text in GSM-7', () => {
    const text = 'ACME : votre code est 123456. Déjà utilisé ? Là où il a été vu, Ç.';
    expect(countSegments(text)).toEqual(gsm(text.length, 1));
    expect(countSegments('Élève, très, où, à, è, ù, ì, ò, É, Ç').encoding).toBe('GSM-7');
  });

  it('sends French circumflexes as UCS-2: they are not in the alphabet', () => {
    expect(countSegments('Votre code est prêt').encoding).toBe('UCS-2');
    expect(countSegments('À bientôt').encoding).toBe('UCS-2');
  });

  it('knows the whole basic set, Greek capitals and currency signs included', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect([...basic]).toHaveLength(127);
    expect(countSegments(basic)).toEqual(gsm(127, 1));
  });
});

describe('countSegments, UCS-2', () => {
  it.each([
    ['a lowercase ç', 'Reçu'],
    ['an emoji', 'OK 👍'],
    ['a no-break space', 'ACME\u00a0: 1234'],
    ['a curly apostrophe', 'it’s'],
  ])('switches to UCS-2 for %s', (_label, text) => {
    expect(countSegments(text).encoding).toBe('UCS-2');
  });

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('%i units make %i segment(s)', (length, segments) => {
    expect(countSegments(`ç${'a'.repeat(length - 1)}`)).toEqual(ucs2(length, segments));
  });

  it('counts an emoji as two UTF-16 units', () => {
    expect(countSegments('👍')).toEqual(ucs2(2, 1));
    expect(countSegments(`${'a'.repeat(68)}👍`)).toEqual(ucs2(70, 1));
    expect(countSegments(`${'a'.repeat(69)}👍`)).toEqual(ucs2(71, 2));
  });

  it('never splits a surrogate pair across parts', () => {
    // 134 units would fill two parts exactly, but the emoji cannot start on the 67th unit.
    expect(countSegments(`${'a'.repeat(66)}👍${'a'.repeat(66)}`)).toEqual(ucs2(134, 3));
    expect(countSegments(`${'a'.repeat(65)}👍${'a'.repeat(67)}`)).toEqual(ucs2(134, 2));
  });
});
