import { describe, expect, it } from 'vitest';
import { decodePcbList } from '../../../src/os/darwin/decode/pcblist.js';
import {
  ipv4,
  ipv6,
  pcbStream,
  tcpItem,
  udpItem,
  xinpcbN,
  xinpgen,
  xsockbufN,
  xsocketN,
  xsockstatN,
  xtcpcbN,
} from '../fixtures/darwin-structs.js';

const INP_IPV4 = 1;
const INP_IPV6 = 2;
const LISTEN = 1;
const ESTABLISHED = 4;

const listeners = (buf: Buffer, protocol: 'tcp' | 'udp') =>
  decodePcbList(buf, protocol).map((s) => s.listener);

describe('decodePcbList (TCP)', () => {
  it('decodes an IPv4 loopback listener with port, pid and uid', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 3000, vflag: INP_IPV4, laddr: ipv4('127.0.0.1'), lastPid: 4242, uid: 501 }),
    ]);
    expect(listeners(stream, 'tcp')).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, pid: 4242, uid: 501 },
    ]);
  });

  it('decodes IPv6 loopback and wildcard listeners', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 8080, vflag: INP_IPV6, laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1), lastPid: 7 }),
      tcpItem({ lport: 8081, vflag: INP_IPV6, laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 0), lastPid: 8 }),
      tcpItem({
        lport: 8082,
        vflag: INP_IPV6,
        laddr: ipv6(0xfe80, 0, 0, 0, 0x1c2a, 0x3bff, 0xfe4d, 0x5e6f),
        lastPid: 9,
      }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => [l.family, l.address, l.port])).toEqual([
      ['ipv6', '::1', 8080],
      ['ipv6', '::', 8081],
      ['ipv6', 'fe80::1c2a:3bff:fe4d:5e6f', 8082],
    ]);
  });

  it('reports an IPv4-mapped IPv6 address as IPv4', () => {
    const stream = pcbStream(10n, [
      tcpItem({
        lport: 5000,
        vflag: INP_IPV6,
        family: 30,
        laddr: ipv6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001),
        lastPid: 11,
      }),
    ]);
    expect(listeners(stream, 'tcp')).toMatchObject([
      { family: 'ipv4', address: '127.0.0.1', port: 5000 },
    ]);
  });

  it('reads the address by vflag, not by socket family (AF_INET6 socket flagged IPv4)', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 5001, vflag: INP_IPV4, family: 30, laddr: ipv4('10.1.2.3'), lastPid: 12 }),
    ]);
    expect(listeners(stream, 'tcp')).toMatchObject([
      { family: 'ipv4', address: '10.1.2.3', port: 5001 },
    ]);
  });

  it("shows a dual-stack wildcard (vflag IPV4|IPV6, netstat's tcp46) as '::' ipv6", () => {
    const stream = pcbStream(10n, [
      tcpItem({
        lport: 3001,
        vflag: INP_IPV4 | INP_IPV6,
        family: 30,
        laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 0),
      }),
    ]);
    expect(listeners(stream, 'tcp')).toMatchObject([{ family: 'ipv6', address: '::', port: 3001 }]);
  });

  it('keeps only LISTEN sockets', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 3000, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), tcpState: LISTEN }),
      tcpItem({
        lport: 52000,
        fport: 443,
        vflag: INP_IPV4,
        laddr: ipv4('192.168.1.5'),
        tcpState: ESTABLISHED,
      }),
      tcpItem({ lport: 3002, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), tcpState: 0 }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => l.port)).toEqual([3000]);
  });

  it('takes the pid from so_last_pid, falls back to so_e_pid, and leaves it unknown at 0', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), lastPid: 100, ePid: 200 }),
      tcpItem({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), lastPid: 0, ePid: 300 }),
      tcpItem({ lport: 3, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), lastPid: 0, ePid: 0 }),
    ]);
    const [a, b, c] = listeners(stream, 'tcp');
    expect(a?.pid).toBe(100);
    expect(b?.pid).toBe(300);
    expect(c).toBeDefined();
    expect(c && 'pid' in c).toBe(false);
  });

  it('exposes the xso_so socket handle for joining with libproc', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), socketHandle: 0xabcdef12345n }),
    ]);
    expect(decodePcbList(stream, 'tcp')[0]?.socketHandle).toBe(0xabcdef12345n);
  });

  it('decodes an older, 76-byte xsocket_n (macOS 10.10 .. 12) and walks past it by its length', () => {
    const stream = pcbStream(10n, [
      tcpItem({
        lport: 4000,
        vflag: INP_IPV4,
        laddr: ipv4('127.0.0.1'),
        lastPid: 55,
        xsocketLength: 76,
      }),
      tcpItem({
        lport: 4001,
        vflag: INP_IPV6,
        laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1),
        lastPid: 56,
        xsocketLength: 76,
      }),
    ]);
    expect(listeners(stream, 'tcp')).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 4000, pid: 55, uid: 501 },
      { protocol: 'tcp', family: 'ipv6', address: '::1', port: 4001, pid: 56, uid: 501 },
    ]);
  });

  it('does not read fields a short xsocket_n does not cover', () => {
    // 68 bytes: so_uid (@64) is covered, so_last_pid (@68) and so_e_pid (@72) are not.
    const stream = pcbStream(10n, [
      tcpItem({
        lport: 4002,
        vflag: INP_IPV4,
        laddr: ipv4('127.0.0.1'),
        lastPid: 99,
        ePid: 98,
        xsocketLength: 68,
      }),
    ]);
    const [listener] = listeners(stream, 'tcp');
    expect(listener).toEqual({
      protocol: 'tcp',
      family: 'ipv4',
      address: '127.0.0.1',
      port: 4002,
      uid: 501,
    });
  });

  it('skips a PCB whose generation is newer than the header (created during the copy-out)', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 1000, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), gencnt: 9n }),
      tcpItem({ lport: 1001, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), gencnt: 10n }),
      tcpItem({ lport: 1002, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), gencnt: 11n }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => l.port)).toEqual([1000, 1001]);
  });

  it('ignores sockets of another protocol in the stream', () => {
    const stream = pcbStream(10n, [
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), protocol: 17 }),
      tcpItem({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => l.port)).toEqual([2]);
  });

  it('stops at a truncated record and keeps the complete items before it', () => {
    const full = pcbStream(10n, [
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
      tcpItem({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
    ]);
    const firstItemEnd = 24 + tcpItem({ lport: 1, vflag: 1, laddr: ipv4('0.0.0.0') }).length;
    for (const cut of [firstItemEnd + 50, firstItemEnd + 104 + 10, full.length - 30]) {
      expect(listeners(full.subarray(0, cut), 'tcp').map((l) => l.port)).toEqual([1]);
    }
  });

  it('stops at a zero record length instead of looping forever', () => {
    const zero = Buffer.alloc(16); // xgn_len 0, xgn_kind 0
    const stream = Buffer.concat([
      xinpgen(10n),
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
      zero,
      tcpItem({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => l.port)).toEqual([1]);
  });

  it('stops at a record length that runs past the end of the buffer', () => {
    const inp = xinpcbN({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') });
    inp.writeUInt32LE(0x7fffffff, 0); // xi_len far beyond the buffer
    const stream = Buffer.concat([
      xinpgen(10n),
      tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
      inp,
      xsocketN({ lport: 2, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
    ]);
    expect(listeners(stream, 'tcp').map((l) => l.port)).toEqual([1]);
  });

  it('does not let an item missing a sub-record swallow the next item', () => {
    const broken = Buffer.concat([
      xinpcbN({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
      xsocketN({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
      xsockbufN(0x2),
      // no sndbuf, stats or tcpcb
    ]);
    const stream = Buffer.concat([
      xinpgen(10n),
      broken,
      tcpItem({ lport: 2, vflag: INP_IPV4, laddr: ipv4('127.0.0.1') }),
      xinpgen(10n),
    ]);
    expect(listeners(stream, 'tcp')).toMatchObject([{ port: 2, address: '127.0.0.1' }]);
  });

  it('walks records by their own lengths, whatever order the sub-records come in', () => {
    const spec = { lport: 9, vflag: INP_IPV4, laddr: ipv4('127.0.0.1'), lastPid: 3 } as const;
    const item = Buffer.concat([
      xinpcbN(spec),
      xtcpcbN(LISTEN),
      xsockstatN(),
      xsocketN(spec),
      xsockbufN(0x4),
      xsockbufN(0x2),
    ]);
    expect(listeners(pcbStream(10n, [item]), 'tcp')).toMatchObject([{ port: 9, pid: 3 }]);
  });

  it('returns nothing for an empty, header-only or too-short buffer', () => {
    expect(decodePcbList(Buffer.alloc(0), 'tcp')).toEqual([]);
    expect(decodePcbList(Buffer.alloc(10), 'tcp')).toEqual([]);
    expect(decodePcbList(xinpgen(1n), 'tcp')).toEqual([]);
    expect(decodePcbList(pcbStream(1n, []), 'tcp')).toEqual([]);
  });

  it('never throws on arbitrary bytes', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const valid = pcbStream(10n, [tcpItem({ lport: 1, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') })]);
    for (let i = 0; i < 500; i++) {
      const mutated = Buffer.from(valid);
      for (let j = 0; j < 8; j++) mutated[random() % mutated.length] = random() & 0xff;
      expect(() =>
        decodePcbList(mutated.subarray(0, random() % (mutated.length + 1)), 'tcp'),
      ).not.toThrow();
    }
  });
});

describe('decodePcbList (UDP)', () => {
  it('keeps bound, unconnected UDP sockets', () => {
    const stream = pcbStream(10n, [
      udpItem({ lport: 5353, vflag: INP_IPV4, laddr: ipv4('0.0.0.0'), lastPid: 80 }),
      udpItem({ lport: 53, vflag: INP_IPV6, laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1), lastPid: 81 }),
      udpItem({ lport: 60000, fport: 53, vflag: INP_IPV4, laddr: ipv4('192.168.1.5') }),
      udpItem({ lport: 0, vflag: INP_IPV4, laddr: ipv4('0.0.0.0') }),
    ]);
    expect(listeners(stream, 'udp')).toEqual([
      { protocol: 'udp', family: 'ipv4', address: '0.0.0.0', port: 5353, pid: 80, uid: 501 },
      { protocol: 'udp', family: 'ipv6', address: '::1', port: 53, pid: 81, uid: 501 },
    ]);
  });

  it('needs no tcpcb record for a UDP item', () => {
    const stream = pcbStream(10n, [
      udpItem({ lport: 9999, vflag: INP_IPV4, laddr: ipv4('127.0.0.1') }),
    ]);
    expect(listeners(stream, 'tcp')).toEqual([]);
    expect(listeners(stream, 'udp').map((l) => l.port)).toEqual([9999]);
  });
});
