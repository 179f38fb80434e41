import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createTesseraClient } from '@tessera/client';
import { createFormsApp } from './app.tsx';

/**
 * Runs the example site next to a Tessera (`npm start` in another terminal):
 *   npx tsx openapi/client/examples/forms/main.ts
 * TESSERA_URL (default http://127.0.0.1:3000), TESSERA_API_KEY (default: the embedded default's
 * ./.tessera/dev-api-key), PORT (default 3001).
 */
const apiKey = process.env.TESSERA_API_KEY ?? readFileSync('.tessera/dev-api-key', 'utf8').trim();
const tessera = createTesseraClient({
  baseUrl: process.env.TESSERA_URL ?? 'http://127.0.0.1:3000',
  apiKey,
});
const port = Number(process.env.PORT ?? 3001);
serve({ fetch: createFormsApp({ tessera }).fetch, port, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`example site on http://127.0.0.1:${port}/signup\n`);
});
