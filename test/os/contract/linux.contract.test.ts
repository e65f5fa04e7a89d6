// The backend contract on Linux, against real processes this test starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { processCwd } from '../../../src/os/linux/cwd.js';
import { createLinuxInspector } from '../../../src/os/linux/inspector.js';
import { createLinuxScanner } from '../../../src/os/linux/scanner.js';
import { createProcessTree } from '../../../src/os/linux/tree.js';
import {
  type BackendWorld,
  describeBackendContract,
  type OwnListener,
} from './backend-contract.js';

const SERVER = `
const server = require('node:net').createServer();
server.listen({ host: '127.0.0.1', port: 0 }, () => console.log(JSON.stringify({ port: server.address().port })));
`;

async function linuxWorld(): Promise<BackendWorld> {
  const stops: (() => Promise<void>)[] = [];
  const scanner = createLinuxScanner({});
  return {
    scanner,
    inspector: createLinuxInspector(),
    tree: createProcessTree({ platform: 'linux' }),
    cwdOf: processCwd,
    deadPid: 2 ** 22 + 1, // above Linux's largest pid_max
    async ownListener(): Promise<OwnListener> {
      const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'pm-contract-')));
      const argument = `contract-${process.pid}-${Date.now()}`;
      const child = spawn(process.execPath, ['-e', SERVER, argument], {
        cwd,
        env: { ...process.env, PM_SERVICE: 'contract/web' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      stops.push(async () => {
        child.kill('SIGKILL');
        await exited;
        rmSync(cwd, { recursive: true, force: true });
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`listener exited early (${code})`)));
      });
      const { port } = JSON.parse(line) as { port: number };
      return {
        pid: child.pid!,
        parentPid: process.pid,
        port,
        cwd,
        name: 'node',
        argument,
        marker: 'contract/web',
      };
    },
    async cleanup() {
      scanner.dispose?.();
      for (const stop of stops.splice(0)) await stop();
    },
  };
}

describeBackendContract('linux (real processes)', linuxWorld, {
  ...(process.platform === 'linux' ? {} : { skip: 'not Linux' }),
});
