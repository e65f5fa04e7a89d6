// The API entry stays cheap to import (a vite.config.ts pays for it on every start): React,
// Ink and koffi load only when a scan is needed. A module hook in a fresh node records every
// module it loads; the files are then checked by name (koffi, the OS backends) and by content
// (React's element tag, which every copy of React carries).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { port } from '../../src/api/index.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const ENTRY = fileURLToPath(new URL('../../dist/api/index.js', import.meta.url));
const tempDir = tempDirPerTest();

const RECORDER = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const loaded = [];
port1.on('message', (url) => loaded.push(url));
const hooks = 'let port; export function initialize(data) { port = data.port; }' +
  'export async function load(url, context, next) { port.postMessage(url); return next(url, context); }';
register('data:text/javascript,' + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] });
const [entry, call] = process.argv.slice(2);
const api = await import(entry);
if (call) await api.port('shop', call);
// The hook thread posts asynchronously: a round trip through it flushes what it sent.
await import('data:text/javascript,export default 0');
await new Promise((resolve) => setImmediate(resolve));
port1.close();
console.log(JSON.stringify(loaded));
`;

interface Loaded {
  readonly koffi: boolean;
  readonly backend: boolean;
  readonly react: boolean;
}

function loadedBy(registry: string, service?: string): Loaded {
  const script = join(tempDir(), 'record.mjs');
  writeFileSync(script, RECORDER);
  const out = execFileSync(process.execPath, [script, ENTRY, ...(service ? [service] : [])], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PM_REGISTRY: registry },
  });
  const files = (JSON.parse(out) as string[])
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url));
  return {
    koffi: files.some((file) => /[\\/]node_modules[\\/]koffi[\\/]/.test(file)),
    backend: files.some((file) => /[\\/]chunks[\\/]backend-/.test(file)),
    react: files.some((file) => readFileSync(file, 'utf8').includes('react.transitional.element')),
  };
}

it('loads neither React/Ink nor koffi on import, nor for a service that has its port', async () => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run 'npm run build'`);
  const registry = join(tempDir(), 'registry.toml');
  await port('shop', 'web', { registry });
  const none = { koffi: false, backend: false, react: false };
  expect(loadedBy(registry)).toEqual(none);
  expect(loadedBy(registry, 'web')).toEqual(none);
  // A new service needs a scan: now the backend and koffi load (and still no React).
  if (process.platform === 'linux') {
    expect(loadedBy(registry, 'api')).toEqual({ koffi: true, backend: true, react: false });
  }
});
