import { describe, expect, it } from 'vitest';
import { parseProcNet } from '../../../src/os/linux/decode/procnet.js';

const LISTEN = 1 << 10;
const CLOSE = 1 << 7;

// Lines as Linux 6.x prints them on a little-endian machine (trailing blanks included).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 120 1 00000000d1678c98 100 0 0 10 0                       
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 13388 1 00000000c5e4b1f0 100 0 0 10 0                     
   2: 0100007F:1F90 0100007F:DA4C 01 00000000:00000000 00:00000000 00000000  1000        0 13395 1 0000000003d1d945 20 0 0 10 -1                     
   3: 0100007F:DA4C 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 13394 2 00000000634a3b8b 20 0 0 10 -1                     
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13389 1 00000000e07c000d 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13390 1 000000006abe5254 100 0 0 10 0
   2: 00000000000000000000000001000000:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13391 1 0000000060d5d435 100 0 0 10 0
   3: 000080FE00000000FF00FC00010000FE:1F94 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 13396 1 0000000060d5d435 100 0 0 10 0
`;

const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
 2919: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13392 2 00000000cf2a9e68 0         
 2920: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13397 2 00000000cf2a9e68 0         
 2921: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 13398 2 00000000cf2a9e68 0         
`;

const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 2920: 00000000000000000000000001000000:14EA 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 13393 2 0000000032eec691 0
`;

describe('parseProcNet', () => {
  it('keeps TCP listeners and drops established connections', () => {
    const records = parseProcNet(TCP, { family: 'ipv4', littleEndian: true, states: LISTEN });
    expect(records).toEqual([
      { family: 'ipv4', state: 10, address: '0.0.0.0', port: 2024, uid: 0, inode: 120 },
      { family: 'ipv4', state: 10, address: '127.0.0.1', port: 8080, uid: 1000, inode: 13388 },
    ]);
  });

  it('returns every row when no state filter is given', () => {
    const records = parseProcNet(TCP, { family: 'ipv4', littleEndian: true });
    expect(records.map((r) => [r.state, r.port])).toEqual([
      [10, 2024],
      [10, 8080],
      [1, 8080],
      [1, 55884],
    ]);
  });

  it('reads IPv6 words byte-reversed and shows v4-mapped addresses as IPv4', () => {
    const records = parseProcNet(TCP6, { family: 'ipv6', littleEndian: true, states: LISTEN });
    expect(records.map((r) => [r.family, r.address, r.port, r.inode])).toEqual([
      ['ipv6', '::', 8081, 13389],
      ['ipv4', '127.0.0.1', 8082, 13390],
      ['ipv6', '::1', 8083, 13391],
      ['ipv6', 'fe80::fc:ff:fe00:1', 8084, 13396],
    ]);
    // /proc/net does not say whether '::' also accepts IPv4.
    expect(records[0]?.v6only).toBeUndefined();
  });

  it('keeps bound UDP sockets (state CLOSE) including unbound ones for the caller to judge', () => {
    const records = parseProcNet(UDP, { family: 'ipv4', littleEndian: true, states: CLOSE });
    expect(records.map((r) => [r.address, r.port, r.inode])).toEqual([
      ['0.0.0.0', 5353, 13392],
      ['0.0.0.0', 0, 13397],
    ]);
    const udp6 = parseProcNet(UDP6, { family: 'ipv6', littleEndian: true, states: CLOSE });
    expect(udp6.map((r) => [r.family, r.address, r.port])).toEqual([['ipv6', '::1', 5354]]);
  });

  it('reads words in host order on a big-endian machine', () => {
    const bigEndianLine = `   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0 100 0 0 10 0\n`;
    const [record] = parseProcNet(bigEndianLine, { family: 'ipv4', littleEndian: false });
    expect(record).toMatchObject({ address: '127.0.0.1', port: 8080 });
    const v6 = `   0: 00000000000000000000FFFF7F000001:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0 100 0 0 10 0\n`;
    expect(parseProcNet(v6, { family: 'ipv6', littleEndian: false })[0]).toMatchObject({
      family: 'ipv4',
      address: '127.0.0.1',
      port: 80,
    });
  });

  it('parses row numbers wider than four digits', () => {
    const line = `10000: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000   501        0 777 1 0 100 0 0 10 0`;
    expect(parseProcNet(line, { family: 'ipv4', littleEndian: true })).toEqual([
      { family: 'ipv4', state: 10, address: '127.0.0.1', port: 3000, uid: 501, inode: 777 },
    ]);
  });

  it('skips lines that do not have the kernel shape instead of guessing', () => {
    const text = [
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
      '   1: 0100007F:1F9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0',
      '   2: 0100007Z:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0',
      '   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 abc 1 0',
      '   4: 0100007F:1F90 00000000:0000 0A 00000000:00000000',
      '',
      'garbage',
    ].join('\n');
    expect(parseProcNet(text, { family: 'ipv4', littleEndian: true }).map((r) => r.inode)).toEqual([
      1,
    ]);
  });

  it('reads an empty table as no sockets', () => {
    expect(parseProcNet('', { family: 'ipv4', littleEndian: true })).toEqual([]);
  });
});
