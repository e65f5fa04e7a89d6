import { describe, expect, it } from 'vitest';
import {
  decodeTcp4Table,
  decodeTcp6Table,
  decodeUdp4Table,
  decodeUdp6Table,
} from '../../../src/os/win32/decode/tables.js';
import {
  ipv4,
  ipv6,
  MIB_TCP_STATE_ESTAB,
  MIB_TCP_STATE_LISTEN,
  tcp4Table,
  tcp6Table,
  udp4Table,
  udp6Table,
} from '../fixtures/win32-structs.js';

describe('MIB_TCPTABLE_OWNER_PID', () => {
  it('decodes LISTEN rows with address, port and pid', () => {
    const buf = tcp4Table([
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('127.0.0.1'), port: 3000, pid: 1234 },
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 445, pid: 4 },
    ]);
    expect(decodeTcp4Table(buf)).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, pid: 1234 },
      { protocol: 'tcp', family: 'ipv4', address: '0.0.0.0', port: 445, pid: 4 },
    ]);
  });

  it('drops rows that are not in LISTEN', () => {
    const buf = tcp4Table([
      {
        state: MIB_TCP_STATE_ESTAB,
        local: ipv4('10.0.0.2'),
        port: 50000,
        pid: 9,
        remote: ipv4('1.1.1.1'),
        remotePort: 443,
      },
      { state: 1 /* CLOSED */, local: ipv4('0.0.0.0'), port: 1, pid: 9 },
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 8080, pid: 10 },
    ]);
    expect(decodeTcp4Table(buf).map((l) => l.port)).toEqual([8080]);
  });

  it('masks garbage in the upper 16 bits of dwLocalPort', () => {
    const buf = tcp4Table([
      {
        state: MIB_TCP_STATE_LISTEN,
        local: ipv4('0.0.0.0'),
        port: 3000,
        pid: 1,
        portGarbage: 0xdead,
      },
    ]);
    expect(decodeTcp4Table(buf)[0]?.port).toBe(3000);
  });

  it('decodes only the rows that fit when dwNumEntries overstates the buffer', () => {
    const rows = [
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 1, pid: 1 },
      { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 2, pid: 2 },
    ];
    expect(decodeTcp4Table(tcp4Table(rows, 1000)).map((l) => l.port)).toEqual([1, 2]);
    const truncated = tcp4Table(rows).subarray(0, 4 + 24 + 10);
    expect(decodeTcp4Table(truncated).map((l) => l.port)).toEqual([1]);
    expect(decodeTcp4Table(Buffer.alloc(2))).toEqual([]);
  });

  it('reads only dwNumEntries rows when the buffer has slack', () => {
    const buf = Buffer.concat([
      tcp4Table([{ state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 1, pid: 1 }]),
      tcp4Table([
        { state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 2, pid: 2 },
      ]).subarray(4),
    ]);
    expect(decodeTcp4Table(buf).map((l) => l.port)).toEqual([1]);
  });

  it('leaves the pid unknown for the Idle pseudo-process (0)', () => {
    const [listener] = decodeTcp4Table(
      tcp4Table([{ state: MIB_TCP_STATE_LISTEN, local: ipv4('0.0.0.0'), port: 7, pid: 0 }]),
    );
    expect(listener).toEqual({ protocol: 'tcp', family: 'ipv4', address: '0.0.0.0', port: 7 });
  });
});

describe('MIB_TCP6TABLE_OWNER_PID', () => {
  it('decodes IPv6 LISTEN rows at their 56-byte stride', () => {
    const buf = tcp6Table([
      { state: MIB_TCP_STATE_LISTEN, local: ipv6(0, 0, 0, 0, 0, 0, 0, 0), port: 135, pid: 900 },
      { state: MIB_TCP_STATE_ESTAB, local: ipv6(0, 0, 0, 0, 0, 0, 0, 1), port: 50001, pid: 901 },
      {
        state: MIB_TCP_STATE_LISTEN,
        local: ipv6(0, 0, 0, 0, 0, 0, 0, 1),
        port: 3000,
        pid: 902,
        portGarbage: 0xffff,
      },
    ]);
    expect(decodeTcp6Table(buf)).toEqual([
      { protocol: 'tcp', family: 'ipv6', address: '::', port: 135, pid: 900 },
      { protocol: 'tcp', family: 'ipv6', address: '::1', port: 3000, pid: 902 },
    ]);
  });

  it('reports an IPv4-mapped listener as IPv4', () => {
    const buf = tcp6Table([
      {
        state: MIB_TCP_STATE_LISTEN,
        local: ipv6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1),
        port: 5000,
        pid: 3,
      },
    ]);
    expect(decodeTcp6Table(buf)).toEqual([
      { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 5000, pid: 3 },
    ]);
  });
});

describe('UDP owner-pid tables', () => {
  it('decodes IPv4 rows at their 12-byte stride', () => {
    const buf = udp4Table([
      { local: ipv4('0.0.0.0'), port: 5353, pid: 2000 },
      { local: ipv4('127.0.0.1'), port: 1900, pid: 2001, portGarbage: 0x1234 },
    ]);
    expect(decodeUdp4Table(buf)).toEqual([
      { protocol: 'udp', family: 'ipv4', address: '0.0.0.0', port: 5353, pid: 2000 },
      { protocol: 'udp', family: 'ipv4', address: '127.0.0.1', port: 1900, pid: 2001 },
    ]);
  });

  it('decodes IPv6 rows at their 28-byte stride', () => {
    const buf = udp6Table([
      { local: ipv6(0, 0, 0, 0, 0, 0, 0, 0), port: 5355, pid: 3000 },
      { local: ipv6(0xfe80, 0, 0, 0, 1, 2, 3, 4), port: 546, pid: 3001 },
    ]);
    expect(decodeUdp6Table(buf)).toEqual([
      { protocol: 'udp', family: 'ipv6', address: '::', port: 5355, pid: 3000 },
      { protocol: 'udp', family: 'ipv6', address: 'fe80::1:2:3:4', port: 546, pid: 3001 },
    ]);
  });

  it('clamps an overstated count and handles an empty table', () => {
    expect(
      decodeUdp6Table(udp6Table([{ local: ipv6(0, 0, 0, 0, 0, 0, 0, 1), port: 9, pid: 1 }], 50)),
    ).toHaveLength(1);
    expect(decodeUdp4Table(udp4Table([]))).toEqual([]);
  });
});
