import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  buildSockDiagRequest,
  decodeSockDiagMessages,
  SockDiagDumpAccumulator,
} from '../../../src/os/linux/decode/netlink.js';
import { formatIPv6 } from '../../../src/os/shared/decode/address.js';
import {
  AF_INET6,
  addressBytes,
  diagMessage,
  doneMessage,
  errorMessage,
  INET_DIAG_SKV6ONLY,
  NLM_F_DUMP_INTR,
  nlmsg,
  rtattr,
  SOCK_DIAG_BY_FAMILY,
} from '../helpers/netlink-fixtures.js';

function decode(datagram: Buffer, seq?: number) {
  return decodeSockDiagMessages(datagram, datagram.length, seq);
}

describe('decodeSockDiagMessages', () => {
  it('reads address, port, state, uid and inode of one socket', () => {
    const result = decode(
      diagMessage({ address: '127.0.0.1', port: 8080, state: 10, uid: 1000, inode: 12345 }),
    );
    expect(result.records).toEqual([
      { family: 'ipv4', state: 10, address: '127.0.0.1', port: 8080, uid: 1000, inode: 12345 },
    ]);
    expect(result.done).toBe(false);
    expect(result.error).toBeUndefined();
    expect(result.malformed).toBeUndefined();
  });

  it('reads every message of a datagram, in order, up to NLMSG_DONE', () => {
    const datagram = Buffer.concat([
      diagMessage({ address: '0.0.0.0', port: 3000, inode: 1 }),
      diagMessage({ address: '::1', port: 3001, inode: 2 }),
      diagMessage({ address: '::', port: 65535, inode: 3 }),
      doneMessage(),
    ]);
    const result = decode(datagram);
    expect(result.records.map((r) => [r.family, r.address, r.port, r.inode])).toEqual([
      ['ipv4', '0.0.0.0', 3000, 1],
      ['ipv6', '::1', 3001, 2],
      ['ipv6', '::', 65535, 3],
    ]);
    expect(result.done).toBe(true);
  });

  it('treats a dump of just NLMSG_DONE as complete and empty', () => {
    const result = decode(doneMessage());
    expect(result).toMatchObject({ records: [], done: true, interrupted: false });
    expect(result.error).toBeUndefined();
  });

  it('reports NLMSG_ERROR as the positive errno', () => {
    const result = decode(errorMessage(1, -constants.errno.ENOENT));
    expect(result.error).toBe(constants.errno.ENOENT);
    expect(result.done).toBe(false);
  });

  it('reports a negative NLMSG_DONE status as an error', () => {
    const result = decode(doneMessage(1, -constants.errno.EINTR));
    expect(result.done).toBe(true);
    expect(result.error).toBe(constants.errno.EINTR);
  });

  it('flags a dump the kernel marked inconsistent', () => {
    const datagram = Buffer.concat([
      diagMessage({ address: '127.0.0.1', port: 1 }, 1, NLM_F_DUMP_INTR),
      doneMessage(),
    ]);
    expect(decode(datagram).interrupted).toBe(true);
  });

  it('keeps the sockets before a truncated message and says why it stopped', () => {
    const whole = Buffer.concat([
      diagMessage({ address: '127.0.0.1', port: 5000, inode: 7 }),
      diagMessage({ address: '127.0.0.1', port: 5001, inode: 8 }),
    ]);
    const cut = whole.subarray(0, whole.length - 10);
    const result = decodeSockDiagMessages(cut, cut.length);
    expect(result.records.map((r) => r.port)).toEqual([5000]);
    expect(result.malformed).toMatch(/runs past the datagram/);
  });

  it('stops on a zero length instead of looping forever', () => {
    const datagram = Buffer.concat([
      nlmsg({ type: SOCK_DIAG_BY_FAMILY, length: 0 }),
      diagMessage({ address: '127.0.0.1', port: 1 }),
    ]);
    const result = decode(datagram);
    expect(result.records).toEqual([]);
    expect(result.malformed).toMatch(/claims 0 bytes/);
  });

  it('stops on a length past the end of the datagram', () => {
    const result = decode(nlmsg({ type: SOCK_DIAG_BY_FAMILY, length: 4096 }));
    expect(result.malformed).toMatch(/runs past the datagram/);
  });

  it('refuses a record shorter than struct inet_diag_msg', () => {
    const result = decode(nlmsg({ type: SOCK_DIAG_BY_FAMILY, payload: Buffer.alloc(40) }));
    expect(result.records).toEqual([]);
    expect(result.malformed).toMatch(/shorter than inet_diag_msg/);
  });

  it('only reads the given length of a larger receive buffer', () => {
    const buffer = Buffer.alloc(65536, 0xff);
    const datagram = diagMessage({ address: '127.0.0.1', port: 9 });
    datagram.copy(buffer);
    const result = decodeSockDiagMessages(buffer, datagram.length);
    expect(result.records.map((r) => r.port)).toEqual([9]);
    expect(result.malformed).toBeUndefined();
  });

  it('skips messages of another dump sequence', () => {
    const datagram = Buffer.concat([
      diagMessage({ address: '127.0.0.1', port: 1 }, 6),
      diagMessage({ address: '127.0.0.1', port: 2 }, 7),
      doneMessage(6),
      doneMessage(7),
    ]);
    const result = decode(datagram, 7);
    expect(result.records.map((r) => r.port)).toEqual([2]);
    expect(result.done).toBe(true);
  });

  it('shows an IPv4-mapped IPv6 listener as the IPv4 address it serves', () => {
    const result = decode(
      diagMessage({ family: AF_INET6, address: '::ffff:127.0.0.1', port: 4000 }),
    );
    expect(result.records[0]).toMatchObject({ family: 'ipv4', address: '127.0.0.1', port: 4000 });
  });

  describe('INET_DIAG_SKV6ONLY', () => {
    const v6only = (value: number) => rtattr(INET_DIAG_SKV6ONLY, Buffer.from([value]));

    it('tells a dual-stack :: listener (0) from an IPv6-only one (1)', () => {
      const datagram = Buffer.concat([
        diagMessage({ address: '::', port: 1, attributes: [v6only(0)] }),
        diagMessage({ address: '::', port: 2, attributes: [v6only(1)] }),
      ]);
      expect(decode(datagram).records.map((r) => [r.address, r.port, r.v6only])).toEqual([
        ['::', 1, false],
        ['::', 2, true],
      ]);
    });

    it('finds it after other attributes', () => {
      const other = rtattr(1, Buffer.alloc(16)); // INET_DIAG_MEMINFO-sized
      const result = decode(
        diagMessage({ address: '::', port: 1, attributes: [other, v6only(1)] }),
      );
      expect(result.records[0]?.v6only).toBe(true);
    });

    it('is unknown when absent or when an attribute length is corrupt', () => {
      const zeroLength = Buffer.from([0, 0, INET_DIAG_SKV6ONLY, 0]);
      const overlong = Buffer.from([200, 0, INET_DIAG_SKV6ONLY, 0, 1, 0, 0, 0]);
      const datagram = Buffer.concat([
        diagMessage({ address: '::', port: 1 }),
        diagMessage({ address: '::', port: 2, attributes: [zeroLength] }),
        diagMessage({ address: '::', port: 3, attributes: [overlong] }),
      ]);
      const records = decode(datagram).records;
      expect(records.map((r) => r.port)).toEqual([1, 2, 3]);
      expect(records.map((r) => r.v6only)).toEqual([undefined, undefined, undefined]);
    });
  });
});

describe('SockDiagDumpAccumulator', () => {
  it('collects a dump that arrives over several datagrams', () => {
    const dump = new SockDiagDumpAccumulator(42);
    const datagrams = [
      Buffer.concat([
        diagMessage({ address: '127.0.0.1', port: 1 }, 42),
        diagMessage({ address: '127.0.0.1', port: 2 }, 42),
      ]),
      diagMessage({ address: '::1', port: 3 }, 42),
      Buffer.concat([diagMessage({ address: '::', port: 4 }, 42), doneMessage(42)]),
    ];
    expect(datagrams.map((d) => dump.push(d, d.length))).toEqual(['more', 'more', 'done']);
    expect(dump.records.map((r) => r.port)).toEqual([1, 2, 3, 4]);
    expect(dump.interrupted).toBe(false);
  });

  it('fails the dump on NLMSG_ERROR or a malformed datagram', () => {
    const refused = new SockDiagDumpAccumulator(1);
    const error = errorMessage(1, -constants.errno.EOPNOTSUPP);
    expect(refused.push(error, error.length)).toBe('failed');
    expect(refused.error).toBe(constants.errno.EOPNOTSUPP);

    const corrupt = new SockDiagDumpAccumulator(1);
    const bad = nlmsg({ type: SOCK_DIAG_BY_FAMILY, length: 3 });
    expect(corrupt.push(bad, bad.length)).toBe('failed');
    expect(corrupt.malformed).toBeDefined();
  });

  it('remembers an interruption seen in any datagram', () => {
    const dump = new SockDiagDumpAccumulator(1);
    const first = diagMessage({ address: '127.0.0.1', port: 1 }, 1, NLM_F_DUMP_INTR);
    const last = doneMessage(1);
    dump.push(first, first.length);
    expect(dump.push(last, last.length)).toBe('done');
    expect(dump.interrupted).toBe(true);
  });
});

describe('buildSockDiagRequest', () => {
  it('lays out nlmsghdr + inet_diag_req_v2 as the kernel expects', () => {
    const request = buildSockDiagRequest(AF_INET6, 6, 1 << 10, 0xdeadbeef);
    expect(request.length).toBe(72);
    expect(request.readUInt32LE(0)).toBe(72); // nlmsg_len
    expect(request.readUInt16LE(4)).toBe(SOCK_DIAG_BY_FAMILY);
    expect(request.readUInt16LE(6)).toBe(0x301); // NLM_F_REQUEST | NLM_F_DUMP
    expect(request.readUInt32LE(8)).toBe(0xdeadbeef);
    expect(request[16]).toBe(AF_INET6);
    expect(request[17]).toBe(6);
    expect(request.readUInt32LE(20)).toBe(0x400);
    expect(request.subarray(24).every((byte) => byte === 0)).toBe(true);
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['fd00:0:0:0:0:0:0:2', 'fd00::2'],
  ])('%s is shown as %s', (input, shown) => {
    expect(formatIPv6(addressBytes(input), 0)).toBe(shown);
  });
});
