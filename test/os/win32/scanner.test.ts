import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import {
  createWin32Scanner,
  TABLE_MAX_ATTEMPTS,
  WIN32_PROTOTYPES,
} from '../../../src/os/win32/scanner.js';
import {
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_NOT_SUPPORTED,
  FakeWin32,
} from '../fixtures/fake-win32.js';
import {
  ipv4,
  ipv6,
  MIB_TCP_STATE_LISTEN,
  type TcpRowSpec,
  tcp4Table,
  tcp6Table,
  udp4Table,
} from '../fixtures/win32-structs.js';

const AF_INET = 2;
const AF_INET6 = 23;
const TCP_TABLE_OWNER_PID_LISTENER = 3;
const UDP_TABLE_OWNER_PID = 1;

const listen = (port: number, pid: number): TcpRowSpec => ({
  state: MIB_TCP_STATE_LISTEN,
  local: ipv4('127.0.0.1'),
  port,
  pid,
});

async function scanOk(fake: FakeWin32) {
  const outcome = await createWin32Scanner(fake).scan();
  if (!outcome.ok) throw new Error(`scan failed: ${outcome.reason}`);
  return outcome.listeners;
}

describe('win32 scanner: table sequence', () => {
  it('queries the size with a NULL table, then fetches, for both families and protocols', async () => {
    const fake = new FakeWin32().serve('tcp', AF_INET, tcp4Table([listen(3000, 100)]));
    fake.snapshotEntries = [{ pid: 100, exeFile: 'node.exe' }];
    await scanOk(fake);
    const tcp = fake.calls.filter((c) => c.fn === 'GetExtendedTcpTable');
    expect(
      tcp.map((c) => [c.args[0] === null ? 'size' : 'fetch', c.args[2], c.args[3], c.args[4]]),
    ).toEqual([
      ['size', AF_INET, TCP_TABLE_OWNER_PID_LISTENER, 0],
      ['fetch', AF_INET, TCP_TABLE_OWNER_PID_LISTENER, 0],
      ['size', AF_INET6, TCP_TABLE_OWNER_PID_LISTENER, 0],
      ['fetch', AF_INET6, TCP_TABLE_OWNER_PID_LISTENER, 0],
    ]);
    const udp = fake.calls.filter((c) => c.fn === 'GetExtendedUdpTable');
    expect(udp.map((c) => [c.args[2], c.args[3]])).toEqual([
      [AF_INET, UDP_TABLE_OWNER_PID],
      [AF_INET, UDP_TABLE_OWNER_PID],
      [AF_INET6, UDP_TABLE_OWNER_PID],
      [AF_INET6, UDP_TABLE_OWNER_PID],
    ]);
  });

  it('retries on ERROR_INSUFFICIENT_BUFFER when the table grows between calls', async () => {
    const small = tcp4Table([listen(3000, 100)]);
    const grown = tcp4Table(Array.from({ length: 40 }, (_, i) => listen(4000 + i, 100)));
    const fake = new FakeWin32();
    fake.tables.set(`tcp ${AF_INET}`, (call) => (call === 0 ? small : grown));
    const listeners = await scanOk(fake);
    expect(listeners).toHaveLength(40);
    const v4 = fake.calls.filter((c) => c.fn === 'GetExtendedTcpTable' && c.args[2] === AF_INET);
    expect(v4).toHaveLength(3); // size, too small fetch, fetch with the new size
  });

  it('gives up after a bounded number of rounds when the table keeps growing', async () => {
    let rows = 1;
    const fake = new FakeWin32();
    fake.tables.set(`tcp ${AF_INET}`, () => {
      rows *= 3; // outgrows the slack, which at most doubles the requested size
      const table = Buffer.alloc(4 + 24 * rows);
      table.writeUInt32LE(rows, 0);
      return table;
    });
    const outcome = await createWin32Scanner(fake).scan();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toContain('ERROR_INSUFFICIENT_BUFFER');
    expect(outcome.reason).toContain(`${TABLE_MAX_ATTEMPTS} attempts`);
    expect(fake.count('GetExtendedTcpTable')).toBe(1 + TABLE_MAX_ATTEMPTS);
  });

  it('turns ERROR_NOT_SUPPORTED into { ok: false } naming the call', async () => {
    const fake = new FakeWin32();
    fake.tables.set(`tcp ${AF_INET6}`, () => ({ code: ERROR_NOT_SUPPORTED }));
    const outcome = await createWin32Scanner(fake).scan();
    expect(outcome).toEqual({
      ok: false,
      reason: expect.stringMatching(/GetExtendedTcpTable\(AF_INET6\).*ERROR_NOT_SUPPORTED/),
    });
  });

  it('reports an unknown error code by number', async () => {
    const fake = new FakeWin32();
    fake.tables.set(`tcp ${AF_INET}`, () => ({ code: 1234 }));
    expect(await createWin32Scanner(fake).scan()).toEqual({
      ok: false,
      reason: expect.stringContaining('Windows error 1234'),
    });
  });

  it('keeps the TCP listeners when a UDP table fails', async () => {
    const fake = new FakeWin32().serve('tcp', AF_INET, tcp4Table([listen(3000, 100)]));
    fake.tables.set(`udp ${AF_INET}`, () => ({ code: ERROR_NOT_SUPPORTED }));
    expect((await scanOk(fake)).map((l) => `${l.protocol}:${l.port}`)).toEqual(['tcp:3000']);
  });

  it('combines IPv4, IPv6 and UDP tables', async () => {
    const fake = new FakeWin32()
      .serve('tcp', AF_INET, tcp4Table([listen(3000, 100)]))
      .serve(
        'tcp',
        AF_INET6,
        tcp6Table([
          {
            state: MIB_TCP_STATE_LISTEN,
            local: ipv6(0, 0, 0, 0, 0, 0, 0, 0),
            port: 3001,
            pid: 100,
          },
        ]),
      )
      .serve('udp', AF_INET, udp4Table([{ local: ipv4('0.0.0.0'), port: 5353, pid: 100 }]));
    expect((await scanOk(fake)).map((l) => `${l.protocol} [${l.address}]:${l.port}`)).toEqual([
      'tcp [127.0.0.1]:3000',
      'tcp [::]:3001',
      'udp [0.0.0.0]:5353',
    ]);
  });

  it('never rejects, even when the binding throws', async () => {
    const fake = new FakeWin32();
    fake.tables.set(`tcp ${AF_INET}`, () => {
      throw new Error('access violation');
    });
    expect(await createWin32Scanner(fake).scan()).toEqual({
      ok: false,
      reason: expect.stringContaining('access violation'),
    });
  });
});

describe('win32 scanner: process names', () => {
  it('takes one Toolhelp snapshot per scan, however many listeners and pids', async () => {
    for (const count of [1, 50]) {
      const fake = new FakeWin32().serve(
        'tcp',
        AF_INET,
        tcp4Table(Array.from({ length: count }, (_, i) => listen(3000 + i, 1000 + i))),
      );
      fake.snapshotEntries = Array.from({ length: count }, (_, i) => ({
        pid: 1000 + i,
        exeFile: `svc${i}.exe`,
      }));
      const scanner = createWin32Scanner(fake);
      const outcome = await scanner.scan();
      const listeners = outcome.ok ? outcome.listeners : [];
      expect(listeners.map((l) => l.process)).toEqual(fake.snapshotEntries.map((e) => e.exeFile));
      expect(fake.count('CreateToolhelp32Snapshot')).toBe(1);
      await scanner.scan();
      expect(fake.count('CreateToolhelp32Snapshot')).toBe(2);
    }
  });

  it('takes no snapshot when there is no listener', async () => {
    const fake = new FakeWin32();
    expect(await scanOk(fake)).toEqual([]);
    expect(fake.count('CreateToolhelp32Snapshot')).toBe(0);
  });

  it('prefers the full image path basename, and uses the snapshot for System and denied processes', async () => {
    const fake = new FakeWin32().serve(
      'tcp',
      AF_INET,
      tcp4Table([listen(445, 4), listen(3000, 500), listen(3001, 600), listen(3002, 700)]),
    );
    fake.imagePaths.set(500, 'C:\\Program Files\\nodejs\\node.exe');
    fake.imagePaths.set(4, 'C:\\should-not-be-opened.exe');
    fake.snapshotEntries = [
      { pid: 4, exeFile: 'System' },
      { pid: 500, exeFile: 'node-from-snapshot.exe' },
      { pid: 600, exeFile: 'svchost.exe' },
    ];
    const listeners = await scanOk(fake);
    expect(listeners.map((l) => [l.port, l.pid, l.process])).toEqual([
      [445, 4, 'System'],
      [3000, 500, 'node.exe'],
      [3001, 600, 'svchost.exe'],
      [3002, 700, undefined], // exited between the table and the snapshot
    ]);
    const opened = fake.calls.filter((c) => c.fn === 'OpenProcess').map((c) => c.args);
    expect(opened).toEqual([
      [0x1000, 0, 500],
      [0x1000, 0, 600],
      [0x1000, 0, 700],
    ]);
  });

  it('decodes non-ASCII image paths and snapshot names', async () => {
    const fake = new FakeWin32().serve(
      'tcp',
      AF_INET,
      tcp4Table([listen(3000, 500), listen(3001, 600)]),
    );
    fake.imagePaths.set(500, 'C:\\Users\\José\\アプリ\\サーバー.exe');
    fake.snapshotEntries = [{ pid: 600, exeFile: 'Ünïcode 🚀.exe' }];
    expect((await scanOk(fake)).map((l) => l.process)).toEqual(['サーバー.exe', 'Ünïcode 🚀.exe']);
  });

  it('closes every handle it opens', async () => {
    const fake = new FakeWin32().serve(
      'tcp',
      AF_INET,
      tcp4Table([listen(1, 4), listen(2, 500), listen(3, 600), listen(4, 500)]),
    );
    fake.imagePaths.set(500, 'C:\\a.exe');
    fake.imagePaths.set(600, 'C:\\b.exe');
    fake.snapshotEntries = [{ pid: 4, exeFile: 'System' }];
    await scanOk(fake);
    expect(fake.count('CreateToolhelp32Snapshot')).toBe(1);
    expect(fake.count('OpenProcess')).toBe(2);
    expect(fake.count('CloseHandle')).toBe(3);
    expect(fake.openHandles.size).toBe(0);
    expect(fake.closeErrors).toEqual([]);
  });

  it('closes the process handle even when QueryFullProcessImageNameW fails', async () => {
    const fake = new FakeWin32().serve('tcp', AF_INET, tcp4Table([listen(1, 500)]));
    fake.imagePaths.set(500, 'x'.repeat(40_000)); // longer than any buffer: the query fails
    fake.snapshotEntries = [{ pid: 500, exeFile: 'long.exe' }];
    expect((await scanOk(fake))[0]?.process).toBe('long.exe');
    expect(fake.openHandles.size).toBe(0);
  });

  it('treats an INVALID_HANDLE_VALUE snapshot as "no names", not as a failure', async () => {
    const fake = new FakeWin32().serve('tcp', AF_INET, tcp4Table([listen(1, 600)]));
    fake.snapshotFails = true;
    const listeners = await scanOk(fake);
    expect(listeners).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 1, pid: 600 },
    ]);
    expect(fake.count('Process32FirstW')).toBe(0);
    expect(fake.count('CloseHandle')).toBe(0);
  });

  it('sees other users and says so', () => {
    expect(createWin32Scanner(new FakeWin32()).seesOtherUsers?.()).toBe(true);
  });
});

describe('win32 binding prototypes', () => {
  it('parse as koffi prototypes', () => {
    for (const [name, prototype] of Object.entries(WIN32_PROTOTYPES)) {
      expect(koffi.proto(prototype).name).toBe(name);
    }
  });

  it('ERROR_INSUFFICIENT_BUFFER is 122 in the fake as in winerror.h', () => {
    expect(ERROR_INSUFFICIENT_BUFFER).toBe(122);
  });
});
