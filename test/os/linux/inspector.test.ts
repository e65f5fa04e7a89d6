// Process detail on Linux: the /proc parsers on real-shaped text, the inspector on a real
// child process (its own command line, cwd and sockets), and on a fake /proc tree where
// fields are missing.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessInspector } from '../../../src/os/index.js';
import {
  parseBootTime,
  parseStatFields,
  parseStatusUid,
  processNameOf,
  socketStateName,
  userNameFromPasswd,
} from '../../../src/os/linux/decode/procfs-process.js';
import { createLinuxInspector } from '../../../src/os/linux/inspector.js';
import { type RunningChild, startNode } from '../../helpers/child.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest();
const children: RunningChild<unknown>[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.stop()));
});

describe('/proc parsers', () => {
  it('reads name, state, ppid and start ticks, even with ") " inside the name', () => {
    const line =
      '4242 (my ) (srv) S 17 4242 4242 34816 4242 4194304 2913 0 0 0 12 3 0 0 20 0 11 0 987654 1108480000 13179 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';
    expect(parseStatFields(line)).toEqual({
      name: 'my ) (srv',
      state: 'S',
      ppid: 17,
      startTicks: 987654,
    });
    expect(parseStatFields('12 (node) S 1 2 3')).toBeUndefined();
    expect(parseStatFields('garbage')).toBeUndefined();
    expect(parseStatFields('')).toBeUndefined();
  });

  it('reads the real uid, the boot time and user names', () => {
    expect(parseStatusUid('Name:\tnode\nUid:\t1000\t1001\t1002\t1003\nGid:\t5\n')).toBe(1000);
    expect(parseStatusUid('Name:\tnode\n')).toBeUndefined();
    expect(parseBootTime('cpu  1 2 3\nbtime 1764547200\nprocesses 9\n')).toBe(1764547200);
    const passwd = '# comment\nroot:x:0:0::/root:/bin/sh\nanna:x:1000:1000::/home/anna:/bin/sh\n';
    expect(userNameFromPasswd(passwd, 1000)).toBe('anna');
    expect(userNameFromPasswd(passwd, 0)).toBe('root');
    expect(userNameFromPasswd(passwd, 7)).toBeUndefined();
  });

  it('names socket states like ss', () => {
    expect(socketStateName('tcp', 10)).toBe('LISTEN');
    expect(socketStateName('tcp', 1)).toBe('ESTABLISHED');
    expect(socketStateName('udp', 7)).toBe('UNCONN');
    expect(socketStateName('udp', 1)).toBe('CONNECTED');
    expect(socketStateName('tcp', 99)).toBeUndefined();
  });
});

// Listens on TCP and UDP, and holds one connection to itself, from a directory of its own.
const SERVER = `
const net = require('node:net');
const server = net.createServer().listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const udp = require('node:dgram').createSocket('udp4');
  udp.bind(0, '127.0.0.1', () => {
    const client = net.connect(port, '127.0.0.1', () =>
      console.log(JSON.stringify({ port, udp: udp.address().port, client: client.localPort })));
  });
});
`;

describe.runIf(process.platform === 'linux')('Linux process inspector on a real process', () => {
  it('gives pid, parent, user, command, cwd, start time and every socket', async () => {
    const dir = realpathSync(tempDir());
    const script = join(dir, 'server.js');
    writeFileSync(script, SERVER);
    const before = Date.now();
    const child = await startNode<{ port: number; udp: number; client: number }>(
      [script],
      10_000,
      dir,
    );
    children.push(child);
    const inspector = createProcessInspector({ platform: 'linux' });

    const detail = await inspector.detail(child.pid);
    expect(detail).toMatchObject({
      pid: child.pid,
      ppid: process.pid,
      uid: process.getuid?.(),
      name: 'node',
      command: [process.execPath, script],
      executable: realpathSync(process.execPath),
      cwd: dir,
      unavailable: {},
    });
    expect(detail?.user).toBeTruthy();
    // Jiffies are 10 ms and the boot time whole seconds: allow for both.
    expect(detail?.startTime).toBeGreaterThan(before - 2_000);
    expect(detail?.startTime).toBeLessThanOrEqual(Date.now() + 1_000);
    const { port, udp, client } = child.report;
    expect(detail?.sockets).toEqual(
      expect.arrayContaining([
        { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port, state: 'LISTEN' },
        {
          protocol: 'tcp',
          family: 'ipv4',
          address: '127.0.0.1',
          port: client,
          state: 'ESTABLISHED',
        },
        { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port, state: 'ESTABLISHED' },
        { protocol: 'udp', family: 'ipv4', address: '127.0.0.1', port: udp, state: 'UNCONN' },
      ]),
    );
    expect(detail?.sockets).toHaveLength(4);

    expect(await inspector.parentPid(child.pid)).toBe(process.pid);
    const started = await inspector.startTime(child.pid);
    expect(started).toBe(detail?.startTime);
    // The same process gives the same start time every time: the pid-reuse check relies on it.
    expect(await inspector.startTime(child.pid)).toBe(started);

    await child.stop();
    expect(await inspector.detail(child.pid)).toBeUndefined();
    expect(await inspector.startTime(child.pid)).toBeUndefined();
    expect(await inspector.parentPid(child.pid)).toBeUndefined();
  });
});

describe('Linux process inspector on a fake /proc', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports what it could not read, per field, instead of failing', async () => {
    root = mkdtempSync(join(tmpdir(), 'pm-fake-proc-'));
    writeFileSync(join(root, 'stat'), 'cpu 1 2\nbtime 1000\n');
    const dir = join(root, '300');
    mkdirSync(dir);
    const fields = Array.from({ length: 50 }, (_, i) => String(i === 0 ? 'S' : i + 3));
    fields[1] = '1';
    fields[22 - 3] = '250';
    writeFileSync(join(dir, 'stat'), `300 (postgres) ${fields.join(' ')}\n`);
    writeFileSync(join(dir, 'status'), 'Name:\tpostgres\nUid:\t4242\t4242\t4242\t4242\n');
    writeFileSync(join(dir, 'cmdline'), '');
    symlinkSync('/srv/db', join(dir, 'cwd'));
    const passwd = join(root, 'passwd');
    writeFileSync(passwd, 'postgres:x:4242:4242::/var/lib/postgresql:/bin/sh\n');

    const inspector = createLinuxInspector({ procRoot: root, passwdPath: passwd });
    // The uid alone comes from status, though cmdline, exe and the fd table are unreadable.
    expect(await inspector.uid?.(300)).toBe(4242);
    expect(await inspector.uid?.(301)).toBeUndefined();
    const detail = await inspector.detail(300);
    expect(detail).toEqual({
      pid: 300,
      ppid: 1,
      name: 'postgres',
      uid: 4242,
      user: 'postgres',
      cwd: '/srv/db',
      startTime: 1000 * 1000 + 2500,
      unavailable: {
        command: expect.stringContaining('no command line'),
        executable: expect.stringContaining('ENOENT'),
        sockets: expect.stringContaining('ENOENT'),
      },
    });
  });
});

describe('the name of a Node 24 process', () => {
  it("shows the executable's file name where the kernel reports the main thread's name", () => {
    expect(processNameOf('MainThread', '/opt/node-24/bin/node')).toBe('node');
    expect(processNameOf('MainThread', '/usr/bin/node (deleted)')).toBe('node');
    expect(processNameOf('MainThread', undefined)).toBe('MainThread');
    expect(processNameOf('python3', '/usr/bin/python3.11')).toBe('python3');
  });
});
