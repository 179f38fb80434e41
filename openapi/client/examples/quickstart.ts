import { createTesseraClient, type TesseraClient } from '@tessera/client';

export const tessera = createTesseraClient({
  baseUrl: process.env.TESSERA_URL ?? 'http://127.0.0.1:3000',
  apiKey: process.env.TESSERA_API_KEY ?? '',
});

/** The person at the keyboard, for Tessera's per-IP limits and audit trail. */
type EndUser = { ip: string; user_agent: string };

/** Texts a login code; keep the id with the user's session. */
export async function sendLoginCode(client: TesseraClient, phone: string, endUser: EndUser) {
  const sent = await client.POST('/v1/verify', {
    body: { to: phone, country: 'FR', purpose: 'login', locale: 'en', client: endUser },
  });
  // A refusal is typed problem+json: sent.error.code is e.g. 'rate_limited' or 'invalid_phone_number'.
  if (sent.error) throw new Error(`${sent.error.code}: ${sent.error.detail}`);
  return sent.data.id;
}

/** True when the code the user typed is right; a wrong code is an answer, not an error. */
export async function checkCode(client: TesseraClient, id: string, code: string, endUser: EndUser) {
  const checked = await client.POST('/v1/verify/{id}/check', {
    params: { path: { id } },
    body: { code, client: endUser },
  });
  if (checked.error) throw new Error(`${checked.error.code}: ${checked.error.detail}`);
  return checked.data.valid;
}
