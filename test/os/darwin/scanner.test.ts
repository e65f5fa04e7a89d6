import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import {
  createDarwinScanner,
  DARWIN_PROTOTYPES,
  SYSCTL_MAX_ATTEMPTS,
} from '../../../src/os/darwin/scanner.js';
import {
  ipv4,
  ipv6,
  pcbStream,
  socketFdInfo,
  tcpItem,
  udpItem,
} from '../fixtures/darwin-structs.js';
import { EPERM, FakeDarwin } from '../fixtures/fake-darwin.js';

const TCP = 'net.inet.tcp.pcblist_n';
const UDP = 'net.inet.udp.pcblist_n';

const localhost = (lport: number, lastPid = 0, extra = {}) =>
  tcpItem({ lport, vflag: 1, laddr: ipv4('127.0.0.1'), lastPid, ...extra });

async function scanOk(fake: FakeDarwin) {
  const outcome = await createDarwinScanner(fake).scan();
  if (!outcome.ok) throw new Error(`scan failed: ${outcome.reason}`);
  return outcome.listeners;
}

describe('darwin scanner: sysctl sequence', () => {
  it('asks for the size first, then fetches into a buffer of at least that size', async () => {
    const table = pcbStream(5n, [localhost(3000, 10)]);
    const fake = new FakeDarwin().serve(TCP, table).serve(UDP, pcbStream(5n, []));
    const listeners = await scanOk(fake);
    const tcpCalls = fake.calls.filter((c) => c.fn === 'sysctlbyname' && c.args[0] === TCP);
    expect(tcpCalls.map((c) => c.args[1])).toEqual([null, table.length]);
    expect(listeners.map((l) => l.port)).toEqual([3000]);
  });

  it('retries after ENOMEM when the table grows between the size query and the fetch', async () => {
    const small = pcbStream(5n, [localhost(3000, 10)]);
    const grown = pcbStream(6n, [localhost(3000, 10), localhost(3001, 11), localhost(3002, 12)]);
    const fake = new FakeDarwin().serve(UDP, pcbStream(5n, []));
    // The first size query sees the small table, every fetch and later query the grown one.
    fake.sysctls.set(TCP, (phase, call) => (phase === 'size' && call === 0 ? small : grown));
    const listeners = await scanOk(fake);
    expect(listeners.map((l) => l.port)).toEqual([3000, 3001, 3002]);
    const tcpCalls = fake.calls.filter((c) => c.fn === 'sysctlbyname' && c.args[0] === TCP);
    expect(tcpCalls.map((c) => c.args[1] === null)).toEqual([true, false, true, false]);
  });

  it('gives up with a clear reason when ENOMEM persists, after a bounded number of rounds', async () => {
    const fake = new FakeDarwin();
    // Every fetch finds the table far larger than the size query said, beyond any slack.
    fake.sysctls.set(TCP, (phase) => Buffer.alloc(phase === 'size' ? 1000 : 100_000));
    const outcome = await createDarwinScanner(fake).scan();
    expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('ENOMEM') });
    expect(!outcome.ok && outcome.reason).toContain(TCP);
    expect(!outcome.ok && outcome.reason).toContain(`after ${SYSCTL_MAX_ATTEMPTS} attempts`);
    expect(fake.count('sysctlbyname')).toBe(2 * SYSCTL_MAX_ATTEMPTS);
  });

  it('turns EPERM into { ok: false } naming the sysctl and the cause', async () => {
    const fake = new FakeDarwin();
    fake.sysctls.set(TCP, () => ({ errno: EPERM }));
    const outcome = await createDarwinScanner(fake).scan();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toContain('EPERM');
    expect(outcome.reason).toContain(TCP);
    expect(outcome.reason).toMatch(/sandbox|security policy/);
  });

  it('reports a missing sysctl (ENOENT) as unavailable', async () => {
    const outcome = await createDarwinScanner(new FakeDarwin()).scan();
    expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('ENOENT') });
  });

  it('still returns the TCP listeners when the UDP table cannot be read', async () => {
    const fake = new FakeDarwin().serve(TCP, pcbStream(5n, [localhost(3000, 10)]));
    fake.sysctls.set(UDP, () => ({ errno: EPERM }));
    expect((await scanOk(fake)).map((l) => `${l.protocol}:${l.port}`)).toEqual(['tcp:3000']);
  });

  it('returns TCP and UDP listeners together', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 10)]))
      .serve(
        UDP,
        pcbStream(5n, [
          udpItem({ lport: 5353, vflag: 2, laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 0), lastPid: 10 }),
        ]),
      );
    expect((await scanOk(fake)).map((l) => `${l.protocol} [${l.address}]:${l.port}`)).toEqual([
      'tcp [127.0.0.1]:3000',
      'udp [::]:5353',
    ]);
  });

  it('never rejects, even when the binding throws', async () => {
    const fake = new FakeDarwin();
    fake.sysctls.set(TCP, () => {
      throw new Error('boom');
    });
    expect(await createDarwinScanner(fake).scan()).toEqual({
      ok: false,
      reason: expect.stringContaining('boom'),
    });
  });
});

describe('darwin scanner: process names', () => {
  function machine(): FakeDarwin {
    return new FakeDarwin()
      .serve(
        TCP,
        pcbStream(5n, [
          localhost(3000, 10),
          localhost(3001, 10),
          localhost(3002, 20),
          localhost(3003, 30),
          localhost(3004, 40),
        ]),
      )
      .serve(UDP, pcbStream(5n, []));
  }

  it('names by proc_pidpath basename, then pbsi_comm, then proc_name', async () => {
    const fake = machine();
    fake.processes.set(10, { path: '/usr/local/bin/node', comm: 'node', name: 'node' });
    fake.processes.set(20, { comm: 'postgres' }); // proc_pidpath failed
    fake.processes.set(30, { name: 'Python' }); // only proc_name (own process)
    // 40: nothing answers
    const listeners = await scanOk(fake);
    expect(listeners.map((l) => [l.port, l.pid, l.process])).toEqual([
      [3000, 10, 'node'],
      [3001, 10, 'node'],
      [3002, 20, 'postgres'],
      [3003, 30, 'Python'],
      [3004, 40, undefined],
    ]);
    expect(listeners[4]).not.toHaveProperty('process');
  });

  it('looks each pid up once per scan, and again on the next scan (pids get reused)', async () => {
    const fake = machine();
    fake.processes.set(10, { path: '/usr/local/bin/node' });
    const scanner = createDarwinScanner(fake);
    await scanner.scan();
    const pidpathFor10 = () =>
      fake.calls.filter((c) => c.fn === 'proc_pidpath' && c.args[0] === 10).length;
    expect(pidpathFor10()).toBe(1);
    await scanner.scan();
    expect(pidpathFor10()).toBe(2);
  });

  it('keeps a path basename with spaces and non-ASCII characters', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 10)]))
      .serve(UDP, pcbStream(5n, []));
    fake.processes.set(10, {
      path: '/Applications/Visual Studio Code.app/Contents/MacOS/Électron Helper',
    });
    expect((await scanOk(fake))[0]?.process).toBe('Électron Helper');
  });

  it('sees other users and says so', () => {
    expect(createDarwinScanner(new FakeDarwin()).seesOtherUsers?.()).toBe(true);
  });
});

describe('darwin scanner: libproc attribution of pid-less sockets', () => {
  const listenInfo = (lport: number, socketHandle: bigint) =>
    socketFdInfo({
      protocol: 6,
      family: 2,
      kind: 2,
      lport,
      vflag: 1,
      laddr: ipv4('127.0.0.1'),
      tcpState: 1,
      socketHandle,
    });

  it('does not walk processes when every socket already has a pid', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 10)]))
      .serve(UDP, pcbStream(5n, []));
    await scanOk(fake);
    expect(fake.count('proc_listpids')).toBe(0);
    expect(fake.count('proc_pidfdinfo')).toBe(0);
  });

  it('finds the holder of a socket whose record has no pid, by socket handle', async () => {
    const fake = new FakeDarwin()
      .serve(
        TCP,
        pcbStream(5n, [localhost(3000, 0, { socketHandle: 0xaa01n }), localhost(3001, 10)]),
      )
      .serve(UDP, pcbStream(5n, []));
    fake.processes.set(10, { path: '/bin/a' });
    fake.processes.set(77, { path: '/usr/sbin/other' }); // LISTFDS refused: another user's
    fake.processes.set(88, {
      path: '/usr/libexec/holder',
      sockets: [
        { fd: 3, info: listenInfo(9999, 0xbb02n) },
        { fd: 4, info: listenInfo(3000, 0xaa01n) },
      ],
    });
    const listeners = await scanOk(fake);
    expect(listeners[0]).toMatchObject({ port: 3000, pid: 88, process: 'holder' });
  });

  it('ignores a socket_fdinfo answer that is not exactly 792 bytes', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 0, { socketHandle: 0xaa01n })]))
      .serve(UDP, pcbStream(5n, []));
    fake.processes.set(88, {
      sockets: [{ fd: 4, info: listenInfo(3000, 0xaa01n).subarray(0, 700) }],
    });
    const [listener] = await scanOk(fake);
    expect(listener).toBeDefined();
    expect(listener).not.toHaveProperty('pid');
  });

  it('falls back to the endpoint when the handle does not match, only if the endpoint is unique', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 0, { socketHandle: 0x1n })]))
      .serve(UDP, pcbStream(5n, []));
    fake.processes.set(88, {
      path: '/bin/srv',
      sockets: [{ fd: 4, info: listenInfo(3000, 0x999n) }],
    });
    expect((await scanOk(fake))[0]).toMatchObject({ port: 3000, pid: 88 });

    const twins = new FakeDarwin()
      .serve(
        TCP,
        pcbStream(5n, [
          localhost(3000, 0, { socketHandle: 0x1n }),
          localhost(3000, 0, { socketHandle: 0x2n }),
        ]),
      )
      .serve(UDP, pcbStream(5n, []));
    twins.processes.set(88, { sockets: [{ fd: 4, info: listenInfo(3000, 0x999n) }] });
    expect((await scanOk(twins)).map((l) => l.pid)).toEqual([undefined, undefined]);
  });

  it('does not repeat a fruitless walk for the same socket on the next scan', async () => {
    const fake = new FakeDarwin()
      .serve(TCP, pcbStream(5n, [localhost(3000, 0, { socketHandle: 0xaa01n })]))
      .serve(UDP, pcbStream(5n, []));
    fake.processes.set(77, { path: '/usr/sbin/other' });
    const scanner = createDarwinScanner(fake);
    await scanner.scan();
    await scanner.scan();
    expect(fake.count('proc_listpids')).toBe(2); // size query + fetch, first scan only
    scanner.dispose?.();
    await scanner.scan();
    expect(fake.count('proc_listpids')).toBe(4);
  });
});

describe('darwin binding prototypes', () => {
  it('parse as koffi prototypes', () => {
    for (const [name, prototype] of Object.entries(DARWIN_PROTOTYPES)) {
      expect(koffi.proto(prototype).name).toBe(name);
    }
  });
});
