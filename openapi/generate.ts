import { writeFileSync } from 'node:fs';
import { describeApi } from '../src/app.ts';
import { serializeOpenApi } from '../src/openapi-document.ts';

/** `npm run openapi`: regenerates openapi/openapi.json from the route definitions. */
const target = new URL('./openapi.json', import.meta.url);
writeFileSync(target, serializeOpenApi(describeApi()));
process.stdout.write(`wrote ${target.pathname}\n`);
