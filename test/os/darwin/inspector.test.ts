// macOS process detail: the decoders on byte fixtures written field by field from the XNU
// headers, and the inspector and the scanner's command lines against a fake libSystem.
import { describe, expect, it } from 'vitest';
import { decodeSocketEndpoint } from '../../../src/os/darwin/decode/proc.js';
import {
  decodeBsdInfo,
  decodeProcArgs2,
  decodeVnodePathInfo,
} from '../../../src/os/darwin/decode/process.js';
import { createDarwinInspector } from '../../../src/os/darwin/inspector.js';
import { createDarwinScanner, PCBLIST_SYSCTL } from '../../../src/os/darwin/scanner.js';
import {
  bsdInfo,
  bsdShortInfo,
  ipv4,
  ipv6,
  pcbStream,
  procArgs2,
  socketFdInfo,
  tcpItem,
  vnodePathInfo,
} from '../fixtures/darwin-structs.js';
import { EPERM, ESRCH, FakeDarwin, type FakeProcess } from '../fixtures/fake-darwin.js';

const EINVAL = 22;

describe('decodeBsdInfo (struct proc_bsdinfo, 136 bytes)', () => {
  const spec = {
    pid: 812,
    ppid: 1,
    uid: 501,
    comm: 'node',
    startSeconds: 1_764_547_200,
    startMicros: 250_999,
  };

  it('reads pid, ppid, uid, name and the start time in ms', () => {
    expect(decodeBsdInfo(bsdInfo(spec), 136)).toEqual({
      pid: 812,
      ppid: 1,
      uid: 501,
      name: 'node',
      startTime: 1_764_547_200_250,
    });
  });

  it('prefers pbi_name (32 bytes) over the 16-byte pbi_comm', () => {
    const info = bsdInfo({ ...spec, comm: 'com.apple.WebKi', name: 'com.apple.WebKit.Networking' });
    expect(decodeBsdInfo(info, 136)?.name).toBe('com.apple.WebKit.Networking');
  });

  it('fails unless all 136 bytes were written', () => {
    expect(decodeBsdInfo(bsdInfo(spec), 0)).toBeUndefined();
    expect(decodeBsdInfo(bsdInfo(spec), 64)).toBeUndefined();
    expect(decodeBsdInfo(bsdInfo(spec).subarray(0, 100), 136)).toBeUndefined();
  });
});

describe('decodeVnodePathInfo (struct proc_vnodepathinfo, 2352 bytes)', () => {
  it('reads the current directory, not the root directory', () => {
    expect(decodeVnodePathInfo(vnodePathInfo('/Users/anna/shop', '/'), 2352)).toBe(
      '/Users/anna/shop',
    );
  });

  it('keeps non-ASCII paths and stops at 1024 bytes', () => {
    expect(decodeVnodePathInfo(vnodePathInfo('/Users/anna/Café ☕'), 2352)).toBe(
      '/Users/anna/Café ☕',
    );
    const long = vnodePathInfo('');
    long.fill(0x61, 152, 152 + 1024); // no terminator inside vip_path
    expect(decodeVnodePathInfo(long, 2352)).toBe('a'.repeat(1024));
  });

  it('fails on a short answer or an empty path', () => {
    expect(decodeVnodePathInfo(vnodePathInfo('/x'), 1176)).toBeUndefined();
    expect(decodeVnodePathInfo(vnodePathInfo(''), 2352)).toBeUndefined();
  });
});

describe('decodeProcArgs2 (sysctl KERN_PROCARGS2)', () => {
  it('reads the executable path and argv, never the environment', () => {
    const buf = procArgs2('/usr/local/bin/node', [
      'node',
      '/Users/anna/shop/node_modules/.bin/vite',
      '--port',
      '3000',
    ]);
    expect(decodeProcArgs2(buf)).toEqual({
      executable: '/usr/local/bin/node',
      argv: ['node', '/Users/anna/shop/node_modules/.bin/vite', '--port', '3000'],
    });
  });

  it('keeps an empty argv[0] and empty arguments (the alignment, not NUL skipping, finds argv)', () => {
    for (const path of ['/bin/x', '/usr/bin/python3', '/a/b/c/d/e/ff']) {
      const buf = procArgs2(path, ['', 'app.py', '', 'end']);
      expect(decodeProcArgs2(buf)?.argv).toEqual(['', 'app.py', '', 'end']);
    }
  });

  it('falls back to skipping NULs when argv starts before the aligned position', () => {
    const buf = procArgs2('/bin/sleep', ['sleep', '60'], [], { padding: 1 });
    expect(decodeProcArgs2(buf)?.argv).toEqual(['sleep', '60']);
  });

  it('stops at the end of the answer and at argc', () => {
    const buf = procArgs2('/bin/sh', ['sh', '-c', 'echo hi']);
    expect(decodeProcArgs2(buf, buf.length - 4)?.argv).toEqual(['sh', '-c', 'echo hi']);
    const cut = buf.indexOf('echo');
    expect(decodeProcArgs2(buf, cut + 2)?.argv).toEqual(['sh', '-c']);
    expect(decodeProcArgs2(procArgs2('/bin/sh', ['sh'], ['A=1'], { argc: 5 }))?.argv).toEqual([
      'sh',
      'A=1',
    ]);
  });

  it('rejects what cannot be an answer', () => {
    expect(decodeProcArgs2(Buffer.alloc(2))).toBeUndefined();
    expect(decodeProcArgs2(Buffer.from([1, 0, 0, 0, 0x2f, 0x62]))).toBeUndefined(); // no NUL
    const negative = procArgs2('/bin/x', []);
    negative.writeInt32LE(-1, 0);
    expect(decodeProcArgs2(negative)).toBeUndefined();
  });
});

describe('decodeSocketEndpoint (any socket of a socket_fdinfo)', () => {
  it('names TCP states and UDP connectedness', () => {
    const tcp = (tcpState: number) =>
      socketFdInfo({
        protocol: 6,
        family: 2,
        kind: 2,
        lport: 3000,
        vflag: 1,
        laddr: ipv4('127.0.0.1'),
        tcpState,
      });
    expect(decodeSocketEndpoint(tcp(1), 792)).toEqual({
      protocol: 'tcp',
      family: 'ipv4',
      address: '127.0.0.1',
      port: 3000,
      state: 'LISTEN',
    });
    expect(decodeSocketEndpoint(tcp(4), 792)?.state).toBe('ESTABLISHED');
    expect(decodeSocketEndpoint(tcp(10), 792)?.state).toBe('TIME_WAIT');
    const udp = (fport: number) =>
      socketFdInfo({
        protocol: 17,
        family: 30,
        kind: 1,
        lport: 5353,
        fport,
        vflag: 2,
        laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1),
      });
    expect(decodeSocketEndpoint(udp(0), 792)).toEqual({
      protocol: 'udp',
      family: 'ipv6',
      address: '::1',
      port: 5353,
      state: 'UNCONN',
    });
    expect(decodeSocketEndpoint(udp(53), 792)?.state).toBe('CONNECTED');
  });

  it('rejects short answers and non-internet sockets', () => {
    const info = socketFdInfo({
      protocol: 6,
      family: 2,
      kind: 2,
      lport: 1,
      vflag: 1,
      laddr: ipv4('0.0.0.0'),
      tcpState: 1,
    });
    expect(decodeSocketEndpoint(info, 791)).toBeUndefined();
    const unix = socketFdInfo({ protocol: 0, family: 1, kind: 3, lport: 0, vflag: 0, laddr: [] });
    expect(decodeSocketEndpoint(unix, 792)).toBeUndefined();
  });
});

interface OwnProcess extends FakeProcess {
  readonly ppid: number;
  readonly uid: number;
  /** Own processes answer these; another user's process leaves them out (EPERM / EINVAL). */
  readonly bsd?: Buffer;
  readonly cwd?: string;
  readonly args?: Buffer;
}

/** FakeDarwin plus the calls the detail view makes. */
class FakeDarwinProcesses extends FakeDarwin {
  readonly owned = new Map<number, OwnProcess>();

  add(pid: number, process: OwnProcess): this {
    this.owned.set(pid, process);
    this.processes.set(pid, process);
    return this;
  }

  override proc_pidinfo(
    pid: number,
    flavor: number,
    arg: number,
    buffer: Buffer | null,
    size: number,
  ): number {
    const own = this.owned.get(pid);
    if (own && buffer && (flavor === 3 || flavor === 9 || flavor === 13)) {
      this.calls.push({ fn: 'proc_pidinfo', args: [pid, flavor, arg, size] });
      const answer =
        flavor === 13
          ? shortInfo(pid, own)
          : flavor === 3
            ? own.bsd
            : own.cwd
              ? vnodePathInfo(own.cwd)
              : undefined;
      if (!answer) return this.failWith(EPERM);
      answer.copy(buffer, 0, 0, Math.min(size, answer.length));
      return Math.min(size, answer.length);
    }
    if (!own && (flavor === 3 || flavor === 9)) {
      this.calls.push({ fn: 'proc_pidinfo', args: [pid, flavor, arg, size] });
      return this.failWith(ESRCH);
    }
    return super.proc_pidinfo(pid, flavor, arg, buffer, size);
  }

  sysctl(mib: Buffer, count: number, oldp: Buffer | null, oldlenp: Buffer): number {
    const pid = mib.readInt32LE(8);
    this.calls.push({
      fn: 'sysctl',
      args: [
        mib.readInt32LE(0),
        mib.readInt32LE(4),
        pid,
        count,
        oldp === null ? null : oldp.length,
      ],
    });
    const own = this.owned.get(pid);
    if (!own?.args) return this.failWith(EINVAL, -1);
    if (oldp === null) {
      oldlenp.writeBigUInt64LE(BigInt(own.args.length), 0);
      return 0;
    }
    own.args.copy(oldp, 0, 0, Math.min(oldp.length, own.args.length));
    oldlenp.writeBigUInt64LE(BigInt(Math.min(oldp.length, own.args.length)), 0);
    return 0;
  }

  userName(uid: number): string | undefined {
    return { 501: 'anna', 0: 'root', 70: '_postgres' }[uid];
  }

  private errnoValue = 0;
  override errno(): number {
    return this.errnoValue || super.errno();
  }

  private failWith(errno: number, result = 0): number {
    this.errnoValue = errno;
    return result;
  }
}

function shortInfo(pid: number, process: OwnProcess): Buffer {
  const info = bsdShortInfo(pid, process.comm ?? '', process.uid);
  info.writeUInt32LE(process.ppid, 4);
  return info;
}

const VITE = ['node', '/Users/anna/shop/node_modules/.bin/vite', '--port', '3000'];

function machine(): FakeDarwinProcesses {
  return new FakeDarwinProcesses()
    .add(812, {
      ppid: 700,
      uid: 501,
      comm: 'node',
      path: '/usr/local/bin/node',
      bsd: bsdInfo({
        pid: 812,
        ppid: 700,
        uid: 501,
        comm: 'node',
        startSeconds: 1_764_547_200,
        startMicros: 5_000,
      }),
      cwd: '/Users/anna/shop',
      args: procArgs2('/usr/local/bin/node', VITE),
      sockets: [
        {
          fd: 21,
          info: socketFdInfo({
            protocol: 6,
            family: 2,
            kind: 2,
            lport: 3000,
            vflag: 1,
            laddr: ipv4('127.0.0.1'),
            tcpState: 1,
          }),
        },
        {
          fd: 22,
          info: socketFdInfo({
            protocol: 6,
            family: 2,
            kind: 2,
            lport: 3000,
            fport: 52000,
            vflag: 1,
            laddr: ipv4('127.0.0.1'),
            tcpState: 4,
          }),
        },
      ],
    })
    .add(90, { ppid: 1, uid: 70, comm: 'postgres', path: '/opt/homebrew/bin/postgres' });
}

describe('macOS process inspector (fake libSystem)', () => {
  it("gives everything for the user's own process", async () => {
    const detail = await createDarwinInspector(machine()).detail(812);
    expect(detail).toEqual({
      pid: 812,
      ppid: 700,
      uid: 501,
      user: 'anna',
      name: 'node',
      executable: '/usr/local/bin/node',
      command: VITE,
      cwd: '/Users/anna/shop',
      startTime: 1_764_547_200_005,
      sockets: [
        { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, state: 'LISTEN' },
        { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, state: 'ESTABLISHED' },
      ],
      unavailable: {},
    });
  });

  it("says per field what another user's process withholds", async () => {
    const detail = await createDarwinInspector(machine()).detail(90);
    expect(detail).toMatchObject({
      pid: 90,
      ppid: 1,
      uid: 70,
      user: '_postgres',
      name: 'postgres',
      executable: '/opt/homebrew/bin/postgres',
    });
    expect(Object.keys(detail?.unavailable ?? {}).sort()).toEqual([
      'command',
      'cwd',
      'sockets',
      'startTime',
    ]);
    expect(detail?.unavailable.command).toContain('EINVAL');
    expect(detail?.unavailable.startTime).toContain('EPERM');
  });

  it('answers nothing for a pid that does not exist, and parent and start time cheaply', async () => {
    const fake = machine();
    const inspector = createDarwinInspector(fake);
    expect(await inspector.detail(4444)).toBeUndefined();
    expect(await inspector.parentPid(90)).toBe(1); // SHORTBSDINFO: any user
    expect(await inspector.startTime(90)).toBeUndefined(); // TBSDINFO: own processes only
    const before = fake.calls.length;
    expect(await inspector.startTime(812)).toBe(1_764_547_200_005);
    expect(fake.calls.length - before).toBe(1); // one proc_pidinfo, nothing else
  });
});

describe('macOS scanner command lines (fake libSystem)', () => {
  it('reads KERN_PROCARGS2 once per process while its start time stays the same', async () => {
    const fake = machine();
    fake.serve(
      PCBLIST_SYSCTL.tcp,
      pcbStream(5n, [
        tcpItem({ lport: 3000, vflag: 1, laddr: ipv4('127.0.0.1'), lastPid: 812, tcpState: 1 }),
      ]),
    );
    const scanner = createDarwinScanner(fake);
    for (let scan = 0; scan < 3; scan++) {
      const outcome = await scanner.scan();
      expect(outcome.ok && outcome.listeners).toEqual([
        expect.objectContaining({ port: 3000, pid: 812, process: 'node', command: VITE }),
      ]);
    }
    expect(fake.count('sysctl')).toBe(2); // size query + fetch, once
  });

  it('reads no command line for ports the caller did not ask about', async () => {
    const fake = machine();
    fake.serve(
      PCBLIST_SYSCTL.tcp,
      pcbStream(5n, [
        tcpItem({ lport: 3000, vflag: 1, laddr: ipv4('127.0.0.1'), lastPid: 812, tcpState: 1 }),
      ]),
    );
    const outcome = await createDarwinScanner(fake).scan({ attribute: (port) => port === 9999 });
    expect(outcome.ok).toBe(true);
    const listeners = outcome.ok ? outcome.listeners : [];
    expect(listeners).toHaveLength(1);
    expect(listeners[0]?.command).toBeUndefined();
    expect(fake.count('sysctl')).toBe(0);
  });
});
