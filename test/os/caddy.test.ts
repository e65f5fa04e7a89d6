// The parts of the Caddy client that decide whether `pm proxy` runs: the state file and the
// admin address answering with pm's port. Real files, a real loopback server standing where
// an admin API would be; test/e2e/proxy.test.ts asks a real Caddy.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatVariables, jsonVariables, withUrls } from '../../src/core/model/env-vars.js';
import {
  findOnPath,
  probeProxy,
  proxyFiles,
  readProxyState,
  writeProxyState,
} from '../../src/os/shared/caddy.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-caddy-');
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback HTTP server answering every request with `body`; resolves with its port. */
async function answering(body: string): Promise<number> {
  server = createServer((_req, res) => res.end(body));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('is pm proxy running?', () => {
  it('no state file: not running, and nothing is asked', async () => {
    const files = proxyFiles({ XDG_DATA_HOME: tempDir() }, 'linux');
    expect(await probeProxy(files)).toBeUndefined();
  });

  it('a state file whose admin address does not answer (pm proxy killed hard): not running', async () => {
    const files = proxyFiles({ XDG_DATA_HOME: tempDir() }, 'linux');
    if (!files) throw new Error('no files');
    const port = await answering('x');
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    writeProxyState(files, { httpPort: 1355, httpsPort: 1356, admin: `127.0.0.1:${port}` }, 1);
    expect(await probeProxy(files)).toBeUndefined();
  });

  it('the admin address answers, but with another HTTPS port (somebody else): not running', async () => {
    const files = proxyFiles({ XDG_DATA_HOME: tempDir() }, 'linux');
    if (!files) throw new Error('no files');
    const port = await answering('443');
    writeProxyState(files, { httpPort: 1355, httpsPort: 1356, admin: `127.0.0.1:${port}` }, 1);
    expect(await probeProxy(files)).toBeUndefined();
  });

  it('the admin address answers with pm’s HTTPS port: running, with its ports', async () => {
    const files = proxyFiles({ XDG_DATA_HOME: tempDir() }, 'linux');
    if (!files) throw new Error('no files');
    const port = await answering('1356');
    const endpoint = { httpPort: 1355, httpsPort: 1356, admin: `127.0.0.1:${port}` };
    writeProxyState(files, endpoint, 1);
    expect(await probeProxy(files)).toEqual(endpoint);
  });

  it('a state file naming a non-loopback admin address, or garbage, is not believed', () => {
    const files = proxyFiles({ XDG_DATA_HOME: tempDir() }, 'linux');
    if (!files) throw new Error('no files');
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(
      files.state,
      JSON.stringify({ admin: '10.0.0.1:2019', http_port: 1, https_port: 2 }),
    );
    expect(readProxyState(files)).toBeUndefined();
    writeFileSync(files.state, '{not json');
    expect(readProxyState(files)).toBeUndefined();
  });

  it('keeps its files under XDG_DATA_HOME, else ~/.local/share; LOCALAPPDATA on Windows', () => {
    expect(proxyFiles({ XDG_DATA_HOME: '/d' }, 'linux')?.dir).toBe('/d/port-manager/proxy');
    expect(proxyFiles({ HOME: '/h' }, 'darwin')?.dir).toBe('/h/.local/share/port-manager/proxy');
    expect(proxyFiles({ LOCALAPPDATA: 'C:/L' }, 'win32')?.dir).toContain('port-manager');
  });
});

describe('finding caddy', () => {
  it('takes the first executable on PATH and skips a file that is not executable', () => {
    const dir = tempDir();
    for (const name of ['a', 'b']) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'a', 'caddy'), '');
    chmodSync(join(dir, 'a', 'caddy'), 0o644);
    writeFileSync(join(dir, 'b', 'caddy'), '');
    chmodSync(join(dir, 'b', 'caddy'), 0o755);
    const PATH = `${join(dir, 'a')}:${join(dir, 'b')}`;
    expect(findOnPath('caddy', { PATH }, 'linux')).toBe(join(dir, 'b', 'caddy'));
    expect(findOnPath('caddy', { PATH: join(dir, 'a') }, 'linux')).toBeUndefined();
  });
});

describe('<SERVICE>_URL variables', () => {
  it('come after the ports, in service order, as strings in JSON', () => {
    const vars = withUrls(
      [
        ['WEB_PORT', '3000'],
        ['API_GW_PORT', '3001'],
      ],
      new Map([
        ['web', 'http://web.shop.localhost:1355'],
        ['api-gw', 'http://api-gw.shop.localhost:1355'],
      ]),
    );
    expect(vars.map(([name]) => name)).toEqual([
      'WEB_PORT',
      'API_GW_PORT',
      'API_GW_URL',
      'WEB_URL',
    ]);
    expect(jsonVariables(vars)).toMatchObject({
      WEB_PORT: 3000,
      WEB_URL: 'http://web.shop.localhost:1355',
    });
    expect(formatVariables(vars, 'shell')).toContain(
      'export WEB_URL=http://web.shop.localhost:1355',
    );
  });
});
