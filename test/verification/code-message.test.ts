import { describe, expect, it } from 'vitest';
import { type CodeMessageInput, renderCodeMessage } from '../../src/verification/code-message.ts';

const base: CodeMessageInput = { brand: 'ACME', code: '123456', ttlSeconds: 600, locale: 'en' };

describe('renderCodeMessage', () => {
  it('writes the English message', () => {
    expect(renderCodeMessage(base)).toEqual({
      text: 'ACME: your code is 123456. Valid for 10 min. Never share it.',
      segments: { encoding: 'GSM-7', units: 60, segments: 1 },
    });
  });

  it('writes the French message with plain spaces only', () => {
    const { text, segments } = renderCodeMessage({ ...base, locale: 'fr' });
    expect(text).toBe('ACME : votre code est 123456. Valable 10 min. Ne le partagez jamais.');
    expect(text).not.toMatch(/[\u00a0\u202f]/);
    expect(segments.encoding).toBe('GSM-7');
  });

  it.each([
    ['en', /never share it/i],
    ['fr', /ne le partagez jamais/i],
  ] as const)('in %s, names brand, code, validity and says not to share', (locale, doNotShare) => {
    const { text } = renderCodeMessage({
      brand: 'Banque Martin',
      code: '4821',
      ttlSeconds: 300,
      locale,
    });
    expect(text).toContain('Banque Martin');
    expect(text).toContain('4821');
    expect(text).toContain('5 min');
    expect(text).toMatch(doNotShare);
  });

  it('rounds the validity down to whole minutes', () => {
    expect(renderCodeMessage({ ...base, ttlSeconds: 119 }).text).toContain('Valid for 1 min.');
    expect(renderCodeMessage({ ...base, ttlSeconds: 1800 }).text).toContain('Valid for 30 min.');
  });

  it('ends with the WebOTP line when a domain is set', () => {
    const { text } = renderCodeMessage({ ...base, webOtpDomain: 'example.com' });
    expect(text).toBe(
      'ACME: your code is 123456. Valid for 10 min. Never share it.\n\n@example.com #123456',
    );
    expect(text.split('\n').at(-1)).toBe('@example.com #123456');
  });

  it.each([undefined, null, ''])('has no WebOTP line when the domain is %j', (webOtpDomain) => {
    const { text } = renderCodeMessage({ ...base, locale: 'fr', webOtpDomain });
    expect(text).not.toContain('\n');
    expect(text).not.toContain('@');
  });

  it.each(['en', 'fr'] as const)('fits one GSM-7 segment in the worst case (%s)', (locale) => {
    const brand = 'B'.repeat(30);
    const domain = `${'d'.repeat(36)}.com`;
    expect(domain).toHaveLength(40);
    const { text, segments } = renderCodeMessage({
      brand,
      code: '0123456789',
      ttlSeconds: 1800,
      locale,
      webOtpDomain: domain,
    });
    expect(text.split('\n').at(-1)).toBe(`@${domain} #0123456789`);
    expect(segments.encoding).toBe('GSM-7');
    expect(segments.units).toBeLessThanOrEqual(160);
    expect(segments.segments).toBe(1);
  });

  it('reports UCS-2 when the brand holds an emoji', () => {
    const { segments } = renderCodeMessage({ ...base, brand: 'ACME 🚀' });
    expect(segments.encoding).toBe('UCS-2');
    // 60 units, plus a space and an emoji of 2 UTF-16 units.
    expect(segments.units).toBe(63);
    expect(segments.segments).toBe(1);
  });
});

describe('Android SMS Retriever app hash', () => {
  it('ends the message with the hash, in place of the WebOTP line', () => {
    const { text, segments } = renderCodeMessage({
      brand: 'ACME',
      code: '123456',
      ttlSeconds: 600,
      locale: 'en',
      webOtpDomain: 'shop.example.com',
      androidAppHash: 'FA+9qCX9VSu',
    });
    expect(text.split('\n').at(-1)).toBe('FA+9qCX9VSu');
    expect(text).not.toContain('@shop.example.com');
    expect(segments.segments).toBe(1);
  });
});

describe('renderCodeMessage with a subject (a document to sign)', () => {
  it('names the document in full when it fits one segment', () => {
    const { text, segments } = renderCodeMessage({ ...base, subject: 'Lease 2026' });
    expect(text).toBe('ACME: code 123456 to sign "Lease 2026". Valid 10 min. Never share it.');
    expect(segments.segments).toBe(1);
  });

  it('drops accents GSM-7 lacks rather than turning the SMS into UCS-2', () => {
    const { text, segments } = renderCodeMessage({
      ...base,
      locale: 'fr',
      subject: 'Contrat de prêt',
    });
    expect(text).toContain('pour signer "Contrat de pret"');
    expect(segments.encoding).toBe('GSM-7');
    // GSM-7 letters keep their accent.
    expect(renderCodeMessage({ ...base, subject: 'Accord été' }).text).toContain('"Accord été"');
  });

  it('cuts a long title, ending in "...", to keep one segment with the WebOTP line', () => {
    const subject = `Master services agreement ${'between many parties '.repeat(8)}`;
    const { text, segments } = renderCodeMessage({
      ...base,
      subject,
      webOtpDomain: 'signing.example.com',
    });
    expect(segments.segments).toBe(1);
    expect(text).toMatch(/to sign "Master services agreement between[^"]*\.\.\."/);
    expect(text.endsWith('@signing.example.com #123456')).toBe(true);
  });

  it('keeps the whole title when no cut down to 12 characters could fit', () => {
    const subject = 'Договор аренды квартиры';
    const { text, segments } = renderCodeMessage({ ...base, subject });
    expect(text).toContain(`"${subject}"`);
    expect(segments.segments).toBe(2);
  });
});
