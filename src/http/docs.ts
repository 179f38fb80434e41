import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';
import { problemResponse } from './problem.ts';

/**
 * The interactive reference at /docs: Swagger UI from the installed `swagger-ui-dist` package, so
 * an air-gapped host shows it too (no CDN). Script and style come from this server only, which
 * lets the page's CSP allow nothing else.
 */

const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/** Our start-up script: an inline one would need 'unsafe-inline' for scripts. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // The default validator badge asks validator.swagger.io about the document: no outside calls.
  validatorUrl: null,
});
`;

/** The files the page loads, by the name it uses, with their type; nothing else is served. */
const ASSETS: Record<string, { type: string; load: () => Promise<string | Uint8Array> }> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', load: () => packageFile('swagger-ui.css') },
  'swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    load: () => packageFile('swagger-ui-bundle.js'),
  },
  'favicon-32x32.png': { type: 'image/png', load: () => packageFile('favicon-32x32.png') },
  'init.js': { type: 'text/javascript; charset=utf-8', load: async () => INIT_SCRIPT },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera API reference</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/**
 * Swagger UI sets style attributes from its script, hence 'unsafe-inline' for styles only;
 * "Try it out" calls this same server (the document's relative `servers` entry).
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function packageFile(name: string): Promise<Uint8Array> {
  return readFile(join(SWAGGER_UI_DIR, name));
}

export function docsRoutes(): Hono<AppEnv> {
  const docs = new Hono<AppEnv>();
  // Each file is read once, when first asked for, and kept: the bundle is 1.7 MB.
  const loaded = new Map<string, Promise<string | Uint8Array>>();
  docs.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  docs.get('/', (c) => c.html(PAGE));
  docs.get('/assets/:file', async (c) => {
    const name = c.req.param('file');
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return problemResponse(404, 'not_found', 'No such endpoint.');
    let body = loaded.get(name);
    if (!body) {
      body = asset.load();
      loaded.set(name, body);
    }
    c.header('Content-Type', asset.type);
    // The package's version changes the files; an hour keeps an upgrade visible soon enough.
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body((await body) as never);
  });
  return docs;
}
