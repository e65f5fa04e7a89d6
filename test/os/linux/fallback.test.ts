// The netlink path against a scripted fake kernel: signals, split and inconsistent dumps,
// refusals. Whatever the kernel does, scan() resolves and the netlink socket is closed.
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Listener } from '../../../src/core/ports.js';
import type { NetlinkLibc } from '../../../src/os/linux/netlink.js';
import { createLinuxScanner } from '../../../src/os/linux/scanner.js';
import {
  AF_INET,
  AF_INET6,
  type DiagSocket,
  diagMessage,
  doneMessage,
  errorMessage,
  INET_DIAG_SKV6ONLY,
  NLM_F_DUMP_INTR,
  rtattr,
} from '../helpers/netlink-fixtures.js';

const { EINTR, ENOENT, EPROTONOSUPPORT, EBADF } = constants.errno;
const TCP = 6;
const UDP = 17;

interface DumpRequest {
  readonly family: number;
  readonly protocol: number;
  readonly states: number;
  readonly seq: number;
  /** How many times this (family, protocol) has been asked for, from 1. */
  readonly attempt: number;
}

/** A reply datagram, or a signal interrupting the recv() that would read it. */
type Reply = Buffer | 'EINTR';

/** libc whose netlink socket is answered by `kernel` instead of the real kernel. */
class FakeLibc implements NetlinkLibc {
  readonly open = new Set<number>();
  socketCalls = 0;
  private nextFd = 40;
  private lastErrno = 0;
  private queue: Reply[] = [];
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly kernel: (request: DumpRequest) => readonly Reply[],
    private readonly socketErrno?: number,
  ) {}

  socket(): number {
    this.socketCalls++;
    if (this.socketErrno !== undefined) return this.fail(this.socketErrno);
    const fd = this.nextFd++;
    this.open.add(fd);
    return fd;
  }

  sendto(fd: number, buf: Buffer, length: number): number {
    if (!this.open.has(fd)) return this.fail(EBADF);
    const family = buf[16]!;
    const protocol = buf[17]!;
    const key = `${family}/${protocol}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const states = buf.readUInt32LE(20);
    this.queue.push(
      ...this.kernel({ family, protocol, states, seq: buf.readUInt32LE(8), attempt }),
    );
    return length;
  }

  recv(fd: number, buf: Buffer): number {
    if (!this.open.has(fd)) return this.fail(EBADF);
    const next = this.queue.shift();
    if (next === undefined) throw new Error('the scanner read past the end of the dump');
    if (next === 'EINTR') return this.fail(EINTR);
    next.copy(buf);
    return next.length;
  }

  close(fd: number): number {
    this.open.delete(fd);
    return 0;
  }

  errno(): number {
    return this.lastErrno;
  }

  private fail(errno: number): number {
    this.lastErrno = errno;
    return -1;
  }
}

/** The sockets a healthy fake kernel reports, per (family, protocol). */
function socketsFor(request: DumpRequest): DiagSocket[] {
  const v6only = (on: boolean) => [rtattr(INET_DIAG_SKV6ONLY, Buffer.from([on ? 1 : 0]))];
  if (request.protocol === TCP && request.family === AF_INET) {
    return [{ address: '127.0.0.1', port: 3000, uid: 1000, inode: 900001 }];
  }
  if (request.protocol === TCP) {
    return [
      { address: '::', port: 3001, uid: 1000, inode: 900002, attributes: v6only(false) },
      {
        address: '::ffff:127.0.0.1',
        port: 3002,
        uid: 1000,
        inode: 900003,
        attributes: v6only(false),
      },
    ];
  }
  if (request.family === AF_INET) {
    return [
      { address: '0.0.0.0', port: 5353, state: 7, uid: 0, inode: 900004 },
      // Never bound: no port, nothing can reach it.
      { address: '0.0.0.0', port: 0, state: 7, uid: 0, inode: 900005 },
    ];
  }
  return [
    { address: '::1', port: 5354, state: 7, uid: 0, inode: 900006, attributes: v6only(true) },
  ];
}

/** Each socket in its own datagram, a signal before the first read, DONE at the end. */
function healthyKernel(request: DumpRequest): Reply[] {
  const messages = socketsFor(request).map((socket) => diagMessage(socket, request.seq));
  return ['EINTR', ...messages, doneMessage(request.seq)];
}

const EXPECTED: Listener[] = [
  { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3000, uid: 1000 },
  { protocol: 'tcp', family: 'ipv6', address: '::', port: 3001, uid: 1000 },
  { protocol: 'tcp', family: 'ipv4', address: '127.0.0.1', port: 3002, uid: 1000 },
  { protocol: 'udp', family: 'ipv4', address: '0.0.0.0', port: 5353, uid: 0 },
  { protocol: 'udp', family: 'ipv6', address: '::1', port: 5354, uid: 0 },
];

describe('Linux scanner, netlink path', () => {
  it('reads dumps split over datagrams and retries reads interrupted by a signal', async () => {
    const libc = new FakeLibc(healthyKernel);
    const scanner = createLinuxScanner({ force: 'netlink', libc });
    const outcome = await scanner.scan();
    expect(outcome).toEqual({ ok: true, listeners: EXPECTED });
    expect(scanner.backend).toBe('linux-netlink');
    expect(libc.open.size).toBe(0);
  });

  it('asks for TCP listeners and for UDP sockets in CLOSE, in both families', async () => {
    const requests: DumpRequest[] = [];
    const libc = new FakeLibc((request) => {
      requests.push(request);
      return [doneMessage(request.seq)];
    });
    await createLinuxScanner({ force: 'netlink', libc }).scan();
    expect(requests.map((r) => [r.family, r.protocol, r.states])).toEqual([
      [AF_INET, TCP, 1 << 10],
      [AF_INET6, TCP, 1 << 10],
      [AF_INET, UDP, 1 << 7],
      [AF_INET6, UDP, 1 << 7],
    ]);
  });

  it('repeats a dump the kernel marks as inconsistent and keeps the clean one', async () => {
    const libc = new FakeLibc((request) => {
      if (request.protocol === TCP && request.family === AF_INET && request.attempt === 1) {
        return [
          diagMessage({ address: '127.0.0.1', port: 4444, inode: 1 }, request.seq, NLM_F_DUMP_INTR),
          doneMessage(request.seq),
        ];
      }
      return healthyKernel(request);
    });
    const outcome = await createLinuxScanner({ force: 'netlink', libc }).scan();
    expect(outcome).toEqual({ ok: true, listeners: EXPECTED });
  });

  it('ignores stale replies of an earlier request', async () => {
    const libc = new FakeLibc((request) => [
      diagMessage({ address: '127.0.0.1', port: 4444, inode: 1 }, request.seq - 1),
      ...healthyKernel(request),
    ]);
    const outcome = await createLinuxScanner({ force: 'netlink', libc }).scan();
    expect(outcome).toEqual({ ok: true, listeners: EXPECTED });
  });
});

describe('Linux scanner when netlink is refused', () => {
  const refusals: [string, () => FakeLibc, RegExp][] = [
    [
      'the socket cannot be created',
      () => new FakeLibc(healthyKernel, EPROTONOSUPPORT),
      /EPROTONOSUPPORT/,
    ],
    [
      'the kernel answers NLMSG_ERROR (no udp_diag)',
      () =>
        new FakeLibc((request) =>
          request.protocol === UDP ? [errorMessage(request.seq, -ENOENT)] : healthyKernel(request),
        ),
      /ENOENT/,
    ],
    [
      'a reply is malformed',
      () => new FakeLibc(() => [Buffer.from([3, 0, 0, 0, 20, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0])]),
      /malformed/,
    ],
  ];

  it.each(refusals)('falls back to /proc/net when %s', async (_, makeLibc) => {
    const libc = makeLibc();
    const scanner = createLinuxScanner({ libc });
    const outcome = await scanner.scan();
    expect(outcome.ok).toBe(true);
    expect(scanner.backend).toBe('linux-procfs');
    expect(libc.open.size).toBe(0);
  });

  it.each(refusals)(
    'reports, without throwing, when %s and netlink is forced',
    async (_, makeLibc, reason) => {
      const libc = makeLibc();
      const outcome = await createLinuxScanner({ force: 'netlink', libc }).scan();
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? '' : outcome.reason).toMatch(reason);
      expect(libc.open.size).toBe(0);
    },
  );

  it('stops asking a kernel that refused sock_diag', async () => {
    const libc = new FakeLibc(healthyKernel, EPROTONOSUPPORT);
    const scanner = createLinuxScanner({ libc });
    await scanner.scan();
    await scanner.scan();
    expect(libc.socketCalls).toBe(1);
  });

  it('goes back to netlink after a one-off bad reply', async () => {
    let first = true;
    const libc = new FakeLibc((request) => {
      if (first) {
        first = false;
        return [Buffer.alloc(16)]; // nlmsg_len 0
      }
      return healthyKernel(request);
    });
    const scanner = createLinuxScanner({ libc });
    await scanner.scan();
    expect(scanner.backend).toBe('linux-procfs');
    expect(await scanner.scan()).toEqual({ ok: true, listeners: EXPECTED });
    expect(scanner.backend).toBe('linux-netlink');
  });

  it('resolves { ok: false } when the libc binding itself throws', async () => {
    const libc = new FakeLibc(healthyKernel);
    libc.recv = () => {
      throw new Error('koffi exploded');
    };
    const outcome = await createLinuxScanner({ force: 'netlink', libc }).scan();
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/koffi exploded/) });
    expect(libc.open.size).toBe(0);
  });
});
