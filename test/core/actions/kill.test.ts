// Who pm kill may signal, over an injected process table: no real process is signalled here.
import { describe, expect, it } from 'vitest';
import { killPort } from '../../../src/core/actions/kill.js';
import type { PmError } from '../../../src/core/errors.js';
import { parseKillTimeout, parseSignal, planKill } from '../../../src/core/model/kill.js';
import type { Listener } from '../../../src/core/ports.js';
import { fakeControl, fakeScanner, tcp } from '../../helpers/fakes.js';

const PORT = 4100;
const SELF = { pid: 500, uid: 1000 };
// init -> sshd (100) -> shell (200) -> pm (500); vite (700) was started elsewhere.
const TABLE = {
  100: { startTime: 1, uid: 0, ppid: 1 },
  200: { startTime: 2, uid: 1000, ppid: 100 },
  500: { startTime: 3, uid: 1000, ppid: 200 },
  700: { startTime: 4, uid: 1000, ppid: 1 },
  701: { startTime: 5, uid: 1000, ppid: 1 },
};
const vite = { ...tcp(PORT, 700, 'node'), command: ['node', '/app/node_modules/.bin/vite'] };

/** A scanner that stops reporting a pid's listeners once `dies` says it died of a signal. */
function world(
  listeners: Listener[],
  table: Record<number, object> = TABLE,
  dies: (signal: string) => boolean = () => true,
) {
  const scanner = fakeScanner(listeners);
  let live = [...listeners];
  const control = fakeControl(SELF, table as never, (pid, signal) => {
    if (dies(signal)) {
      live = live.filter((listener) => listener.pid !== pid);
      scanner.set(live);
    }
  });
  let clock = 0;
  const deps = {
    scanner,
    control,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  };
  return { deps, control, scanner };
}

async function refusal(promise: Promise<unknown>): Promise<PmError> {
  try {
    await promise;
  } catch (error) {
    return error as PmError;
  }
  throw new Error('expected a refusal');
}

describe('pm kill plan', () => {
  it('stops the listener with SIGTERM when that frees the port, naming the program', async () => {
    const { deps, control } = world([vite]);
    const result = await killPort(deps, PORT);
    expect(control.sent).toEqual([[700, 'TERM']]);
    expect(result).toMatchObject({ freed: true, sent: ['TERM'] });
    expect(result.targets[0]).toMatchObject({ pid: 700, label: 'vite (node)', startTime: 4 });
  });

  it('sends SIGKILL when the port is still held after the timeout', async () => {
    const { deps, control } = world([vite], TABLE, (signal) => signal === 'KILL');
    const result = await killPort(deps, PORT, { timeoutMs: 1000 });
    expect(control.sent).toEqual([
      [700, 'TERM'],
      [700, 'KILL'],
    ]);
    expect(result).toMatchObject({ freed: true, sent: ['TERM', 'KILL'] });
  });

  it('reports the port as still held when even SIGKILL does not free it', async () => {
    const { deps } = world([vite], TABLE, () => false);
    expect(await killPort(deps, PORT, { timeoutMs: 100 })).toMatchObject({
      freed: false,
      sent: ['TERM', 'KILL'],
    });
  });

  it('signals every process on the port (TCP and UDP), each by its own pid', async () => {
    const udp: Listener = { ...tcp(PORT, 701, 'python3', '0.0.0.0'), protocol: 'udp' };
    const { deps, control } = world([vite, udp]);
    await killPort(deps, PORT);
    expect(control.sent.map(([pid]) => pid).sort()).toEqual([700, 701]);
  });

  it.each([
    ['nothing listens', [], 'NOT_LISTENING', /nothing listens on port 4100/],
    [
      'the pid is hidden',
      [tcp(PORT)],
      'KILL_REFUSED',
      /pid is not visible to pm: pm cannot signal a process it cannot see/,
    ],
    ['pid 1 holds it', [tcp(PORT, 1, 'systemd')], 'KILL_REFUSED', /never signals pid 1/],
    ['pm itself holds it', [tcp(PORT, 500, 'node')], 'KILL_REFUSED', /is pm itself/],
    ['the shell that started pm', [tcp(PORT, 200, 'bash')], 'KILL_REFUSED', /parent processes/],
    ['a grand-ancestor', [tcp(PORT, 100, 'sshd')], 'KILL_REFUSED', /parent processes/],
  ])('refuses when %s, signalling nothing', async (_, listeners, code, message) => {
    const { deps, control } = world(listeners as Listener[]);
    const error = await refusal(killPort(deps, PORT));
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(message);
    expect(control.sent).toEqual([]);
  });

  it("refuses another user's process by uid, and on EPERM when the uid was not known", async () => {
    const other = { ...TABLE, 700: { startTime: 4, uid: 1001, ppid: 1 } };
    const byUid = world([vite], other);
    const error = await refusal(killPort(byUid.deps, PORT));
    expect(error.message).toMatch(/vite \(node\) \(pid 700\) .*another user \(uid 1001\)/);
    expect(byUid.control.sent).toEqual([]);

    const denied = world([vite], { ...TABLE, 700: { startTime: 4, ppid: 1, answer: 'denied' } });
    const eperm = await refusal(killPort(denied.deps, PORT));
    expect(eperm.message).toMatch(/lacks the right to signal it \(EPERM\)/);
  });

  it('refuses when the pid was reused between the look and the signal (start time changed)', async () => {
    const { deps, control } = world([vite]);
    const startTime = control.startTime.bind(control);
    let asked = 0;
    // The first read plans with start time 4; by the check before signalling, pid 700 is new.
    control.startTime = async (pid) => (pid === 700 && ++asked > 1 ? 99 : startTime(pid));
    const error = await refusal(killPort(deps, PORT));
    expect(error.code).toBe('KILL_REFUSED');
    expect(error.message).toMatch(/pid 700 is no longer vite \(node\).*start time changed/);
    expect(control.sent).toEqual([]);
  });

  it('refuses when the start time cannot be read (it could not tell a reused pid)', () => {
    expect(() =>
      planKill(PORT, [vite], { self: SELF, ancestors: new Set(), processes: new Map() }),
    ).toThrow(/cannot read the start time/);
  });

  it('parses --signal and --timeout, refusing anything else', () => {
    expect(parseSignal('sigint', 'signal')).toBe('INT');
    expect(parseSignal('KILL', 'signal')).toBe('KILL');
    expect(() => parseSignal('STOP', 'signal')).toThrow(/expected one of TERM/);
    expect(parseKillTimeout('0.5', 'timeout')).toBe(500);
    expect(() => parseKillTimeout('-1', 'timeout')).toThrow(/seconds from 0 to 3600/);
    expect(() => parseKillTimeout('soon', 'timeout')).toThrow(/seconds/);
  });
});
