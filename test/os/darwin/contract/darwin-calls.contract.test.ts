// macOS call sequences and error paths, through pm's real koffi declarations into the
// contract library: two-phase size queries, a table that grows in between (ENOMEM),
// another user's process (EPERM / EINVAL), a process that exits between calls (ESRCH),
// short answers, and proof that a wrong declaration fails these tests.
import { describe, expect, it } from 'vitest';
import {
  createDarwinInspector,
  workingDirectory as darwinCwd,
} from '../../../../src/os/darwin/inspector.js';
import type { DarwinBinding } from '../../../../src/os/darwin/scanner.js';
import {
  createDarwinScanner,
  DARWIN_PROTOTYPES,
  loadDarwinLibc,
  SYSCTL_MAX_ATTEMPTS,
} from '../../../../src/os/darwin/scanner.js';
import { createDarwinProcessTree } from '../../../../src/os/darwin/tree.js';
import {
  bsdInfo,
  bsdShortInfo,
  ipv4,
  ipv6,
  pcbStream,
  procArgs2,
  socketFdInfo,
  tcpItem,
  udpItem,
} from '../../fixtures/darwin-structs.js';
import {
  buildContractLibrary,
  ContractMachine,
  compiler,
  EINVAL,
  EPERM,
  openContractLibrary,
  PROC_PIDT_SHORTBSDINFO,
  PROC_PIDTBSDINFO,
  PROC_PIDVNODEPATHINFO,
} from './contract-library.js';
import { LISTENER, macWithServer } from './mac-machines.js';

const TCP = 'net.inet.tcp.pcblist_n';
const UDP = 'net.inet.udp.pcblist_n';
const cc = compiler();
const skip = process.platform !== 'linux' || cc === undefined;
const library = skip ? '' : buildContractLibrary(cc as string);
const contract = skip ? undefined : openContractLibrary(library);

async function scan(binding: DarwinBinding) {
  const scanner = createDarwinScanner(binding);
  try {
    return await scanner.scan();
  } finally {
    scanner.dispose?.();
  }
}

describe.skipIf(skip)('darwin backend against the contract library', () => {
  const c = contract!;

  it('asks each pcblist for its size, then fetches with a buffer at least that large', async () => {
    c.use(macWithServer());
    const outcome = await scan(c.binding);
    expect(outcome.ok).toBe(true);
    const tcp = c.calls().filter((line) => line.startsWith(`sysctlbyname ${TCP}`));
    expect(tcp[0]).toBe(`sysctlbyname ${TCP} NULL 0`);
    expect(tcp[1]).toMatch(new RegExp(`^sysctlbyname ${TCP} buffer \\d+$`));
    expect(tcp).toHaveLength(2);
  });

  it('asks again when the table grew between the size query and the fetch (ENOMEM)', async () => {
    const table = pcbStream(9n, [
      tcpItem({ lport: 5173, vflag: 1, laddr: ipv4('127.0.0.1'), lastPid: 0 }),
    ]);
    c.use(
      new ContractMachine().sysctl(TCP, table, { growFetches: 2 }).sysctl(UDP, pcbStream(9n, [])),
    );
    const outcome = await scan(c.binding);
    expect(outcome.ok && outcome.listeners.map((l) => l.port)).toEqual([5173]);
    const tcp = c.calls().filter((line) => line.startsWith(`sysctlbyname ${TCP}`));
    expect(tcp.filter((line) => line.includes(' NULL '))).toHaveLength(3);
    expect(tcp.filter((line) => line.includes(' buffer '))).toHaveLength(3);
  });

  it('gives up with a worded reason when the table outgrows every attempt', async () => {
    const table = pcbStream(9n, []);
    c.use(new ContractMachine().sysctl(TCP, table, { growFetches: 99 }).sysctl(UDP, table));
    const outcome = await scan(c.binding);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(`after ${SYSCTL_MAX_ATTEMPTS} attempts`);
  });

  it('says a sandbox refused the socket list (EPERM on the size query)', async () => {
    c.use(new ContractMachine().sysctl(TCP, Buffer.alloc(0), { errno: EPERM }));
    const outcome = await scan(c.binding);
    expect(outcome).toEqual({ ok: false, reason: expect.stringContaining('(EPERM 1)') });
  });

  it('still lists TCP when the UDP table is missing (ENOENT), and reads IPv6 and UDP', async () => {
    c.use(
      new ContractMachine().sysctl(
        TCP,
        pcbStream(3n, [
          tcpItem({ lport: 8443, vflag: 2, laddr: ipv6(0, 0, 0, 0, 0, 0, 0, 1), lastPid: 0 }),
        ]),
      ),
    );
    const outcome = await scan(c.binding);
    expect(outcome.ok && outcome.listeners).toEqual([
      expect.objectContaining({ protocol: 'tcp', family: 'ipv6', address: '::1', port: 8443 }),
    ]);
    c.use(
      new ContractMachine()
        .sysctl(TCP, pcbStream(3n, []))
        .sysctl(
          UDP,
          pcbStream(3n, [udpItem({ lport: 5353, vflag: 1, laddr: ipv4('0.0.0.0'), lastPid: 0 })]),
        ),
    );
    const udp = await scan(c.binding);
    expect(udp.ok && udp.listeners).toEqual([
      expect.objectContaining({ protocol: 'udp', address: '0.0.0.0', port: 5353 }),
    ]);
  });

  it('attributes a socket without a pid by walking descriptors, skipping a process that exited (ESRCH)', async () => {
    const handle = 0x5eed0077n;
    const machine = new ContractMachine()
      .sysctl(
        TCP,
        pcbStream(4n, [
          tcpItem({
            lport: 6006,
            vflag: 1,
            laddr: ipv4('127.0.0.1'),
            lastPid: 0,
            socketHandle: handle,
          }),
        ]),
      )
      .sysctl(UDP, pcbStream(4n, []))
      .gone(700)
      .process(701, {
        path: '/usr/local/bin/storybook',
        sockets: [
          {
            fd: 9,
            info: socketFdInfo({
              protocol: 6,
              family: 2,
              kind: 2,
              lport: 6006,
              vflag: 1,
              laddr: ipv4('127.0.0.1'),
              tcpState: 1,
              socketHandle: handle,
            }),
          },
        ],
      });
    c.use(machine);
    const outcome = await scan(c.binding);
    expect(outcome.ok && outcome.listeners).toEqual([
      expect.objectContaining({ port: 6006, pid: 701, process: 'storybook' }),
    ]);
    const calls = c.calls();
    expect(calls).toContain('proc_listpids 1 0 NULL 0');
    expect(calls.some((line) => line.startsWith('proc_pidinfo 700 1 '))).toBe(true);
    expect(calls.some((line) => line.startsWith('proc_pidfdinfo 700'))).toBe(false);
  });

  it("names another user's listener by its path and reads no command line for it", async () => {
    const machine = new ContractMachine()
      .sysctl(
        TCP,
        pcbStream(5n, [tcpItem({ lport: 631, vflag: 1, laddr: ipv4('127.0.0.1'), lastPid: 88 })]),
      )
      .sysctl(UDP, pcbStream(5n, []))
      .process(88, {
        path: '/usr/sbin/cupsd',
        info: {
          [PROC_PIDTBSDINFO]: EPERM,
          [PROC_PIDT_SHORTBSDINFO]: bsdShortInfo(88, 'cupsd', 0),
          [PROC_PIDVNODEPATHINFO]: EPERM,
        },
        args: EINVAL,
      })
      .user(0, 'root');
    c.use(machine);
    const outcome = await scan(c.binding);
    expect(outcome.ok && outcome.listeners).toEqual(
      [
        {
          protocol: 'tcp',
          family: 'ipv4',
          address: '127.0.0.1',
          port: 631,
          pid: 88,
          process: 'cupsd',
          uid: expect.any(Number),
        },
      ].map(({ uid: _uid, ...rest }) => expect.objectContaining(rest)),
    );
    expect(outcome.ok && outcome.listeners[0]?.command).toBeUndefined();

    const detail = await createDarwinInspector(c.binding).detail(88);
    expect(detail).toMatchObject({
      pid: 88,
      name: 'cupsd',
      uid: 0,
      user: 'root',
      executable: '/usr/sbin/cupsd',
    });
    expect(detail?.unavailable.startTime).toContain('EPERM');
    expect(detail?.unavailable.command).toContain('EINVAL');
    expect(detail?.unavailable.cwd).toContain('PROC_PIDVNODEPATHINFO');
    expect(darwinCwd(c.binding, 88)).toBeUndefined();
    expect(createDarwinProcessTree(c.binding).environmentValue(88, 'PM_SERVICE')).toBeUndefined();
  });

  it('treats a short PROC_PIDTBSDINFO answer as no answer, not as a wrong start time', async () => {
    const full = bsdInfo({
      pid: 91,
      ppid: 1,
      uid: 501,
      comm: 'node',
      startSeconds: 1_780_000_000,
      startMicros: 0,
    });
    c.use(
      new ContractMachine().process(91, {
        path: '/usr/local/bin/node',
        info: {
          [PROC_PIDTBSDINFO]: full.subarray(0, 100),
          [PROC_PIDT_SHORTBSDINFO]: bsdShortInfo(91, 'node'),
        },
      }),
    );
    const inspector = createDarwinInspector(c.binding);
    expect(await inspector.startTime(91)).toBeUndefined();
    const detail = await inspector.detail(91);
    expect(detail?.name).toBe('node');
    expect(detail?.startTime).toBeUndefined();
  });

  it('walks children with proc_listchildpids (a count, not bytes) through every generation', () => {
    const machine = new ContractMachine().process(10, { ppid: 1 });
    for (let i = 0; i < 30; i++) machine.process(100 + i, { ppid: 10 });
    machine.process(500, { ppid: 129 });
    c.use(machine);
    const tree = createDarwinProcessTree(c.binding).descendants(10);
    expect(tree.size).toBe(32);
    expect(tree.has(500)).toBe(true);
    expect(createDarwinProcessTree(c.binding).descendants(500)).toEqual(new Set([500]));
  });

  it('reads the user name through getpwuid', async () => {
    c.use(macWithServer());
    expect((await createDarwinInspector(c.binding).detail(LISTENER.pid))?.user).toBe('anna');
  });

  it('reads the environment after argv for the pm run marker, even with an empty argument', () => {
    c.use(
      new ContractMachine().process(77, {
        args: procArgs2(
          '/usr/bin/python3',
          ['python3', '', '-m', 'http.server'],
          ['PM_SERVICE=shop/api', 'PM_REGISTRY=/Users/a/r.toml'],
        ),
      }),
    );
    const tree = createDarwinProcessTree(c.binding);
    expect(tree.environmentValue(77, 'PM_SERVICE')).toBe('shop/api');
    expect(tree.environmentValue(77, 'PM_REGISTRY')).toBe('/Users/a/r.toml');
  });

  describe('a wrong declaration fails the contract', () => {
    const mutations: Readonly<
      Record<string, Partial<Record<keyof typeof DARWIN_PROTOTYPES, string>>>
    > = {
      'sysctlbyname taking its length by value': {
        sysctlbyname:
          'int sysctlbyname(const char *name, void *oldp, size_t oldlenp, void *newp, size_t newlen)',
      },
      'proc_pidpath with buffer and size swapped': {
        proc_pidpath: 'int proc_pidpath(int pid, uint32_t buffersize, void *buffer)',
      },
      'proc_pidinfo without its uint64_t arg': {
        proc_pidinfo: 'int proc_pidinfo(int pid, int flavor, void *buffer, int buffersize)',
      },
      'getpwuid returning a string instead of struct passwd *': {
        getpwuid: 'const char *getpwuid(uint32_t uid)',
      },
      // Not caught, and cannot be on x86-64 or arm64: an int declared where the C function takes
      // a pointer (or the reverse) travels in the same register, e.g. sysctl's namelen as void *.
    };
    for (const [what, mutation] of Object.entries(mutations)) {
      it(what, async () => {
        c.use(macWithServer());
        const right = await observe(c.binding);
        const wrong = await observe(loadDarwinLibc(library, { ...DARWIN_PROTOTYPES, ...mutation }));
        expect(wrong).not.toEqual(right);
      });
    }
  });
});

/** What a user would see of the contract machine: the scan and the listener's detail. */
async function observe(binding: DarwinBinding): Promise<unknown> {
  try {
    const outcome = await scan(binding);
    const detail = await createDarwinInspector(binding).detail(LISTENER.pid);
    return { outcome, detail };
  } catch (error) {
    return { threw: String(error) };
  }
}
