import { writeFileSync } from 'node:fs';
import { buildOpenApiDocument, serializeOpenApi } from '../src/openapi-document.ts';

/** `npm run openapi`: regenerates openapi/openapi.json from the route definitions. */
const target = new URL('./openapi.json', import.meta.url);
writeFileSync(target, serializeOpenApi(await buildOpenApiDocument()));
process.stdout.write(`wrote ${target.pathname}\n`);
