import { describe, expect, it } from 'vitest';
import { calledReceiptUrl, receiptCallbackUrl } from '../../src/sms/receipts/receipt-url.ts';

// Characters a query must escape, so a secret cannot end early or turn into another parameter.
const SECRET = 'a+b/c=d&e f%0123456789';
const ENCODED = 'a%2Bb%2Fc%3Dd%26e%20f%250123456789';

describe('the receipts callback URL a route gives its provider', () => {
  it.each([
    ['https://tessera.example', 'https://tessera.example'],
    ['https://tessera.example/', 'https://tessera.example'],
    ['https://edge.example/tessera//', 'https://edge.example/tessera'],
  ])('is PUBLIC_URL %s + the receipts path + the escaped secret', (publicUrl, base) => {
    expect(receiptCallbackUrl(publicUrl, { name: 'tw', receiptSecret: SECRET })).toBe(
      `${base}/v1/providers/tw/receipts?secret=${ENCODED}`,
    );
  });

  it('is not asked for without PUBLIC_URL or without a receipt secret', () => {
    expect(receiptCallbackUrl(undefined, { name: 'tw', receiptSecret: SECRET })).toBeUndefined();
    expect(receiptCallbackUrl('https://tessera.example', { name: 'tw' })).toBeUndefined();
    expect(
      receiptCallbackUrl('https://tessera.example', { name: 'tw', receiptSecret: '' }),
    ).toBeUndefined();
  });
});

describe('the URL the Twilio signature check recomputes', () => {
  // Behind a proxy this server sees its own address, and the path without PUBLIC_URL's prefix.
  const seen = `http://10.0.0.7:3000/v1/providers/tw/receipts?secret=${ENCODED}`;

  it.each(['https://tessera.example', 'https://tessera.example/', 'https://edge.example/tessera/'])(
    'is the very URL the provider was given, for PUBLIC_URL %s',
    (publicUrl) => {
      const given = receiptCallbackUrl(publicUrl, { name: 'tw', receiptSecret: SECRET });
      expect(calledReceiptUrl(seen, publicUrl)).toBe(given);
    },
  );

  it("is the request's own URL without PUBLIC_URL", () => {
    expect(calledReceiptUrl(seen, undefined)).toBe(seen);
  });
});
