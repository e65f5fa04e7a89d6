// Windows process detail: the decoders (command line information, argv splitting, FILETIME,
// per-pid socket rows) on fixtures, and the inspector and the scanner's command lines
// against a fake kernel32/ntdll/iphlpapi.
import { describe, expect, it } from 'vitest';
import {
  decodeCommandLineInformation,
  decodeFiletime,
  splitCommandLine,
} from '../../../src/os/win32/decode/process.js';
import { decodeSocketsOfPid, TCP4_ROW, UDP6_ROW } from '../../../src/os/win32/decode/tables.js';
import { createWin32Inspector } from '../../../src/os/win32/inspector.js';
import { createWin32Scanner } from '../../../src/os/win32/scanner.js';
import { FakeWin32 } from '../fixtures/fake-win32.js';
import {
  ipv4,
  ipv6,
  MIB_TCP_STATE_ESTAB,
  MIB_TCP_STATE_LISTEN,
  tcp4Table,
  udp6Table,
} from '../fixtures/win32-structs.js';

/**
 * What ProcessCommandLineInformation writes (x64): UNICODE_STRING { USHORT Length@0;
 * USHORT MaximumLength@2; PWSTR Buffer@8 } then the UTF-16LE text, Buffer pointing at it.
 */
function commandLineInformation(text: string, base = 0x2000_0000n): Buffer {
  const chars = Buffer.from(text, 'utf16le');
  const buf = Buffer.alloc(16 + chars.length + 2);
  buf.writeUInt16LE(chars.length, 0);
  buf.writeUInt16LE(chars.length + 2, 2);
  buf.writeBigUInt64LE(base + 16n, 8);
  chars.copy(buf, 16);
  return buf;
}

describe('decodeCommandLineInformation (UNICODE_STRING + text)', () => {
  const line = '"C:\\Program Files\\nodejs\\node.exe" C:\\shop\\server.js --port 3000';

  it('reads the text the Buffer pointer points at', () => {
    const buf = commandLineInformation(line);
    expect(decodeCommandLineInformation(buf, buf.length, 0x2000_0000n)).toBe(line);
    expect(decodeCommandLineInformation(buf, buf.length)).toBe(line); // header size assumed
    const accents = commandLineInformation('node.exe C:\\Café\\サーバー.js');
    expect(decodeCommandLineInformation(accents, accents.length)).toBe(
      'node.exe C:\\Café\\サーバー.js',
    );
  });

  it('refuses a pointer or a length that leaves the answer', () => {
    const buf = commandLineInformation(line);
    expect(decodeCommandLineInformation(buf, buf.length, 0x1000_0000n)).toBeUndefined();
    expect(decodeCommandLineInformation(buf, 40)).toBeUndefined(); // Length past `returned`
    const odd = commandLineInformation(line);
    odd.writeUInt16LE(7, 0);
    expect(decodeCommandLineInformation(odd, odd.length)).toBeUndefined();
    expect(decodeCommandLineInformation(Buffer.alloc(8), 8)).toBeUndefined();
  });
});

describe('splitCommandLine (CommandLineToArgvW rules)', () => {
  // The examples of Microsoft's "Parsing C++ command-line arguments", behind a program name.
  it.each([
    ['prog "a b c" d e', ['prog', 'a b c', 'd', 'e']],
    ['prog "ab\\"c" "\\\\" d', ['prog', 'ab"c', '\\', 'd']],
    ['prog a\\\\\\b d"e f"g h', ['prog', 'a\\\\\\b', 'de fg', 'h']],
    ['prog a\\\\\\"b c d', ['prog', 'a\\"b', 'c', 'd']],
    ['prog a\\\\\\\\"b c" d e', ['prog', 'a\\\\b c', 'd', 'e']],
    ['prog a"b"" c d', ['prog', 'ab" c d']],
    [
      '"C:\\Program Files\\nodejs\\node.exe" server.js',
      ['C:\\Program Files\\nodejs\\node.exe', 'server.js'],
    ],
    [
      'C:\\Python312\\python.exe  -m\thttp.server  ',
      ['C:\\Python312\\python.exe', '-m', 'http.server'],
    ],
    ['"C:\\odd\\"path.exe x', ['C:\\odd\\', 'path.exe', 'x']],
    ['', []],
  ])('%j', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv);
  });
});

describe('decodeFiletime', () => {
  it('converts 100 ns ticks since 1601 to ms since 1970', () => {
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64LE(133_485_408_000_000_000n, 0); // 2024-01-01T00:00:00Z
    expect(decodeFiletime(buf)).toBe(Date.UTC(2024, 0, 1));
    expect(decodeFiletime(Buffer.alloc(8))).toBeUndefined();
    expect(decodeFiletime(Buffer.alloc(4))).toBeUndefined();
  });
});

describe('decodeSocketsOfPid', () => {
  it('keeps every row of the pid, in any state', () => {
    const table = tcp4Table([
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 3000, pid: 812 },
      { state: MIB_TCP_STATE_ESTAB, local: ipv4('127.0.0.1'), port: 3000, pid: 812 },
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 5432, pid: 90 },
    ]);
    expect(decodeSocketsOfPid(table, TCP4_ROW, 812)).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '0.0.0.0', port: 3000, state: 'LISTEN' },
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, state: 'ESTABLISHED' },
    ]);
    const udp = udp6Table([{ local: ipv6(0, 0, 0, 0, 0, 0, 0, 1), port: 5353, pid: 812 }]);
    expect(decodeSocketsOfPid(udp, UDP6_ROW, 812)).toEqual([
      { protocol: 'udp', family: 'ipv6', address: '::1', port: 5353 },
    ]);
    expect(decodeSocketsOfPid(table, TCP4_ROW, 7)).toEqual([]);
    expect(decodeSocketsOfPid(table.subarray(0, 30), TCP4_ROW, 812)).toHaveLength(1);
  });
});

const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004 | 0;

/** FakeWin32 plus GetProcessTimes and NtQueryInformationProcess. */
class FakeWin32Processes extends FakeWin32 {
  readonly commandLines = new Map<number, string>();
  readonly created = new Map<number, bigint>();

  GetProcessTimes(process: number, times: Buffer): number {
    this.calls.push({ fn: 'GetProcessTimes', args: [process] });
    const created = this.created.get(this.processHandles.get(process) ?? -1);
    if (created === undefined) return 0;
    times.writeBigUInt64LE(created, 0);
    return 1;
  }

  NtQueryInformationProcess(
    process: number,
    infoClass: number,
    info: Buffer,
    length: number,
    returnLength: Buffer,
  ): number {
    this.calls.push({ fn: 'NtQueryInformationProcess', args: [process, infoClass, length] });
    const line = this.commandLines.get(this.processHandles.get(process) ?? -1);
    if (infoClass !== 60 || line === undefined) return 0xc0000022 | 0; // ACCESS_DENIED
    const answer = commandLineInformation(line, 0x7000n);
    returnLength.writeUInt32LE(answer.length, 0);
    if (length < answer.length) return STATUS_INFO_LENGTH_MISMATCH;
    answer.copy(info, 0);
    return 0;
  }

  addressOf(): bigint {
    return 0x7000n;
  }
}

const NODE = 'C:\\Program Files\\nodejs\\node.exe';
const CREATED = 133_485_408_000_000_000n + 5_000_000n; // 2024-01-01T00:00:00.5Z

function machine(longCommand = false): FakeWin32Processes {
  const fake = new FakeWin32Processes();
  fake.snapshotEntries = [
    { pid: 4, exeFile: 'System', ppid: 0 },
    { pid: 700, exeFile: 'cmd.exe', ppid: 600 },
    { pid: 812, exeFile: 'node.exe', ppid: 700 },
  ];
  fake.imagePaths.set(812, NODE);
  fake.created.set(812, CREATED);
  const tail = longCommand ? ` --title ${'x'.repeat(3000)}` : '';
  fake.commandLines.set(
    812,
    `"${NODE}" C:\\shop\\node_modules\\vite\\bin\\vite.js --port 3000${tail}`,
  );
  fake.serve(
    'tcp',
    2,
    tcp4Table([
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('127.0.0.1'), port: 3000, pid: 812 },
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 445, pid: 4 },
    ]),
  );
  return fake;
}

describe('Windows process inspector (fake kernel32/ntdll)', () => {
  it('gives image path, parent, start time, command line and sockets; cwd and user are not read', async () => {
    const fake = machine();
    const detail = await createWin32Inspector(fake).detail(812);
    expect(detail).toEqual({
      pid: 812,
      ppid: 700,
      name: 'node.exe',
      executable: NODE,
      startTime: Date.UTC(2024, 0, 1) + 500,
      command: [NODE, 'C:\\shop\\node_modules\\vite\\bin\\vite.js', '--port', '3000'],
      sockets: [
        { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, state: 'LISTEN' },
      ],
      unavailable: {
        cwd: expect.stringContaining('PEB'),
        uid: expect.stringContaining('SID'),
        user: expect.stringContaining('SID'),
      },
    });
    expect(fake.openHandles.size).toBe(0);
  });

  it('grows the buffer once when the command line is longer than the first try', async () => {
    const fake = machine(true);
    const detail = await createWin32Inspector(fake).detail(812);
    expect(detail?.command?.at(-1)).toBe('x'.repeat(3000));
    expect(fake.count('NtQueryInformationProcess')).toBe(2);
  });

  it('names System from the snapshot and says why the rest is missing', async () => {
    const fake = machine();
    const detail = await createWin32Inspector(fake).detail(4);
    expect(detail).toMatchObject({ pid: 4, ppid: 0, name: 'System' });
    expect(detail?.sockets).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '0.0.0.0', port: 445, state: 'LISTEN' },
    ]);
    for (const field of ['executable', 'startTime', 'command'] as const) {
      expect(detail?.unavailable[field]).toContain('OpenProcess');
    }
    expect(fake.openHandles.size).toBe(0);
  });

  it('answers nothing for a pid not in the snapshot; parent and start time cheaply', async () => {
    const fake = machine();
    const inspector = createWin32Inspector(fake);
    expect(await inspector.detail(9999)).toBeUndefined();
    expect(await inspector.parentPid(812)).toBe(700);
    expect(await inspector.startTime(812)).toBe(Date.UTC(2024, 0, 1) + 500);
    expect(await inspector.startTime(4)).toBeUndefined();
  });
});

describe('Windows scanner command lines (fake)', () => {
  it('queries a command line once per process while its creation time stays the same', async () => {
    const fake = machine();
    const scanner = createWin32Scanner(fake);
    for (let scan = 0; scan < 3; scan++) {
      const outcome = await scanner.scan();
      if (!outcome.ok) throw new Error(outcome.reason);
      expect(outcome.listeners.find((l) => l.port === 3000)).toMatchObject({
        pid: 812,
        process: 'node.exe',
        command: [NODE, 'C:\\shop\\node_modules\\vite\\bin\\vite.js', '--port', '3000'],
      });
      expect(outcome.listeners.find((l) => l.port === 445)?.command).toBeUndefined();
    }
    expect(fake.count('NtQueryInformationProcess')).toBe(1);
    expect(fake.openHandles.size).toBe(0);
  });
});
