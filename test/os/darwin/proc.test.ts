import { describe, expect, it } from 'vitest';
import {
  decodeBsdShortInfo,
  decodePidList,
  decodeSocketFdInfo,
  decodeSocketFds,
  readCString,
} from '../../../src/os/darwin/decode/proc.js';
import { bsdShortInfo, ipv4, ipv6, socketFdInfo } from '../fixtures/darwin-structs.js';

const TCP = 6;
const UDP = 17;
const AF_INET = 2;
const AF_INET6 = 30;
const SOCKINFO_IN = 1;
const SOCKINFO_TCP = 2;
const TSI_S_LISTEN = 1;

describe('decodeSocketFdInfo', () => {
  it('decodes a TCP IPv4 listener with the socket handle and owner uid', () => {
    const buf = socketFdInfo({
      protocol: TCP,
      family: AF_INET,
      kind: SOCKINFO_TCP,
      lport: 3000,
      vflag: 1,
      laddr: ipv4('127.0.0.1'),
      tcpState: TSI_S_LISTEN,
      uid: 502,
      socketHandle: 0x1234n,
    });
    expect(decodeSocketFdInfo(buf, 792, 77)).toEqual({
      listener: {
        protocol: 'tcp',
        family: 'ipv4',
        address: '127.0.0.1',
        port: 3000,
        pid: 77,
        uid: 502,
      },
      socketHandle: 0x1234n,
    });
  });

  it("decodes IPv6, and a dual-stack wildcard as '::'", () => {
    const v6 = socketFdInfo({
      protocol: TCP,
      family: AF_INET6,
      kind: SOCKINFO_TCP,
      lport: 8080,
      vflag: 2,
      laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1),
      tcpState: TSI_S_LISTEN,
    });
    const dual = socketFdInfo({
      protocol: TCP,
      family: AF_INET6,
      kind: SOCKINFO_TCP,
      lport: 8081,
      vflag: 3,
      laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 0),
      tcpState: TSI_S_LISTEN,
    });
    expect(decodeSocketFdInfo(v6, 792, 1)?.listener).toMatchObject({
      family: 'ipv6',
      address: '::1',
    });
    expect(decodeSocketFdInfo(dual, 792, 1)?.listener).toMatchObject({
      family: 'ipv6',
      address: '::',
    });
  });

  it('rejects a TCP socket that is not listening', () => {
    const buf = socketFdInfo({
      protocol: TCP,
      family: AF_INET,
      kind: SOCKINFO_TCP,
      lport: 50000,
      fport: 443,
      vflag: 1,
      laddr: ipv4('10.0.0.2'),
      tcpState: 4,
    });
    expect(decodeSocketFdInfo(buf, 792, 1)).toBeUndefined();
  });

  it('keeps bound UDP sockets and drops connected ones', () => {
    const bound = socketFdInfo({
      protocol: UDP,
      family: AF_INET,
      kind: SOCKINFO_IN,
      lport: 5353,
      vflag: 1,
      laddr: ipv4('0.0.0.0'),
    });
    const connected = socketFdInfo({
      protocol: UDP,
      family: AF_INET,
      kind: SOCKINFO_IN,
      lport: 5354,
      fport: 53,
      vflag: 1,
      laddr: ipv4('0.0.0.0'),
    });
    expect(decodeSocketFdInfo(bound, 792, 5)?.listener).toMatchObject({
      protocol: 'udp',
      port: 5353,
      pid: 5,
    });
    expect(decodeSocketFdInfo(connected, 792, 5)).toBeUndefined();
  });

  it('treats any return other than 792 as a failed call', () => {
    const buf = socketFdInfo({
      protocol: TCP,
      family: AF_INET,
      kind: SOCKINFO_TCP,
      lport: 1,
      vflag: 1,
      laddr: ipv4('0.0.0.0'),
      tcpState: TSI_S_LISTEN,
    });
    for (const returned of [0, -1, 791, 768, 800]) {
      expect(decodeSocketFdInfo(buf, returned, 1)).toBeUndefined();
    }
    expect(decodeSocketFdInfo(buf.subarray(0, 700), 792, 1)).toBeUndefined();
  });

  it('ignores non-internet sockets (AF_UNIX)', () => {
    const buf = socketFdInfo({
      protocol: 0,
      family: 1,
      kind: 3,
      lport: 1,
      vflag: 0,
      laddr: ipv4('0.0.0.0'),
    });
    expect(decodeSocketFdInfo(buf, 792, 1)).toBeUndefined();
  });
});

describe('decodeBsdShortInfo', () => {
  it('reads pbsi_comm, the pid and the parent pid', () => {
    expect(decodeBsdShortInfo(bsdShortInfo(321, 'node', 501), 64)).toEqual({
      pid: 321,
      ppid: 1,
      command: 'node',
      uid: 501,
    });
  });

  it('stops pbsi_comm at 16 bytes even without a terminator', () => {
    const buf = bsdShortInfo(1, '');
    buf.write('abcdefghijklmnop', 16, 'latin1'); // 16 bytes, no NUL before pbsi_flags
    buf.writeUInt32LE(0x41414141, 32);
    expect(decodeBsdShortInfo(buf, 64)?.command).toBe('abcdefghijklmnop');
  });

  it('fails unless all 64 bytes were written', () => {
    expect(decodeBsdShortInfo(bsdShortInfo(1, 'x'), 0)).toBeUndefined();
    expect(decodeBsdShortInfo(bsdShortInfo(1, 'x'), 32)).toBeUndefined();
  });
});

describe('libproc lists', () => {
  it('decodePidList skips the zero padding and stays within the returned bytes', () => {
    const buf = Buffer.alloc(32);
    for (const [i, pid] of [1, 88, 501].entries()) buf.writeInt32LE(pid, i * 4);
    buf.writeInt32LE(999, 28); // beyond `returned`
    expect(decodePidList(buf, 24)).toEqual([1, 88, 501]);
    expect(decodePidList(buf, 0)).toEqual([]);
  });

  it('decodeSocketFds keeps only PROX_FDTYPE_SOCKET descriptors', () => {
    const buf = Buffer.alloc(8 * 4);
    const entries: [number, number][] = [
      [0, 1],
      [3, 2],
      [4, 5],
      [7, 2],
    ];
    entries.forEach(([fd, type], i) => {
      buf.writeInt32LE(fd, i * 8);
      buf.writeUInt32LE(type, i * 8 + 4);
    });
    expect(decodeSocketFds(buf, buf.length)).toEqual([3, 7]);
    expect(decodeSocketFds(buf, 20)).toEqual([3]);
  });
});

describe('readCString', () => {
  it('stops at NUL, at the limit, or at the end of the buffer', () => {
    const buf = Buffer.from('/usr/bin/ssh\0garbage', 'utf8');
    expect(readCString(buf)).toBe('/usr/bin/ssh');
    expect(readCString(buf, 5, 3)).toBe('bin');
    expect(readCString(Buffer.from('abc'), 0, 10)).toBe('abc');
    expect(readCString(Buffer.from('abc'), 10)).toBe('');
  });

  it('decodes UTF-8 names', () => {
    expect(readCString(Buffer.from('/Applications/Café.app\0', 'utf8'))).toBe(
      '/Applications/Café.app',
    );
  });
});
