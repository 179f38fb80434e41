// Adds lock entries for @biomejs/biome's platform binaries that the registry mirror here lacks
// (so `npm install` dropped them and `npm ci` refuses the lock). Run from the repo root.
const fs = require('node:fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const version = lock.packages['node_modules/@biomejs/biome'].version;
const platforms = { 'android-arm64': ['android', 'arm64'], 'android-x64': ['android', 'x64'], 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'], 'linux-arm64-musl': ['linux', 'arm64', 'musl'], 'linux-x64-musl': ['linux', 'x64', 'musl'], 'win32-arm64': ['win32', 'arm64'], 'win32-x64': ['win32', 'x64'] };
const packages = {};
for (const [key, value] of Object.entries(lock.packages)) {
  packages[key] = value;
  if (key !== 'node_modules/@biomejs/cli-linux-x64') continue;
  for (const [name, [os, cpu, libc]] of Object.entries(platforms)) {
    packages[`node_modules/@biomejs/cli-${name}`] ??= { version, cpu: [cpu], dev: true, ...(libc ? { libc: [libc] } : {}), license: 'MIT OR Apache-2.0', optional: true, os: [os], engines: { node: '>=14.21.3' } };
  }
}
lock.packages = packages;
fs.writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
