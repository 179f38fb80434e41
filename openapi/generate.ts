import { writeFileSync } from 'node:fs';
import { describeApi } from '../src/app.ts';
import { serializeOpenApi } from '../src/openapi-document.ts';
import { generateClientSchema, SCHEMA_FILE } from './client/generate-schema.ts';

/**
 * `npm run openapi`: regenerates openapi/openapi.json from the route definitions, then the typed
 * client's schema from it, so one command keeps the contract and @tessera/client in step.
 */
const document = describeApi();
const target = new URL('./openapi.json', import.meta.url);
writeFileSync(target, serializeOpenApi(document));
writeFileSync(SCHEMA_FILE, await generateClientSchema(document));
process.stdout.write(`wrote ${target.pathname}\nwrote ${SCHEMA_FILE.pathname}\n`);
