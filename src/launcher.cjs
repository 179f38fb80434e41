#!/usr/bin/env node
'use strict';
// CommonJS on purpose: libuv reads UV_THREADPOOL_SIZE once, when its pool first starts, and
// loading ES modules already uses that pool. Here nothing has touched it yet.
// argon2 runs on the pool: one thread per core (measured on 2 cores: 19 MiB hashes ran ~40%
// faster with 2 threads than with libuv's default 4); never fewer than 2 so file and DNS work
// is not stuck behind a hash.
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

if (!process.env.UV_THREADPOOL_SIZE) {
  process.env.UV_THREADPOOL_SIZE = String(Math.max(2, os.availableParallelism()));
}

// In a checkout, run the TypeScript sources through tsx (no build step in development);
// in the production image (no tsx, no sources) run the compiled dist/.
async function entryUrl() {
  const source = path.join(__dirname, 'entry.ts');
  if (fs.existsSync(source)) {
    const tsx = await import('tsx/esm/api').catch(() => null);
    if (tsx) {
      tsx.register();
      return pathToFileURL(source).href;
    }
  }
  return pathToFileURL(path.join(__dirname, '..', 'dist', 'entry.js')).href;
}

entryUrl()
  .then((url) => import(url))
  .catch((error) => {
    // serve reports its own failures; this is the program itself failing to load (a missing
    // dist/, a broken install): one line, like every start-up failure, without a stack.
    process.stderr.write(`tessera: could not load ${error?.message ?? error}\n`);
    process.exit(1);
  });
