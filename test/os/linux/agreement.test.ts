// Cross-checks of the scanner against independent views of the same kernel tables:
// `ss -ltnp` (iproute2, the reference tool; parsed here only as a test oracle) and pm's
// own /proc/net fallback.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, scannerFor } from '../../../src/os/index.js';
import { LISTENERS_SCRIPT, type RunningChild, startChild } from '../helpers/listener-child.js';

interface SsListener {
  readonly port: number;
  /** Every process holding the socket (a forked server shares it); empty when hidden. */
  readonly pids: readonly number[];
}

function runSs(): SsListener[] {
  const result = spawnSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `this test compares pm with 'ss' from iproute2, which could not be run (${result.error.message}); install iproute2`,
    );
  }
  if (result.status !== 0) throw new Error(`ss -H -ltnp failed: ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // State Recv-Q Send-Q Local:Port Peer:Port [users:(("name",pid=N,fd=M),...)]
      const columns = line.trim().split(/\s+/);
      const local = columns[3] ?? '';
      const port = Number(local.slice(local.lastIndexOf(':') + 1));
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
      return { port, pids };
    });
}

/** Listeners per port, as "pid|-" lists, for a readable diff when they disagree. */
function summarize(entries: readonly { port: number; pid: string }[]): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const { port, pid } of entries) byPort.set(port, [...(byPort.get(port) ?? []), pid].sort());
  return new Map([...byPort].sort(([a], [b]) => a - b));
}

/** Attempts `compare` a few times: other tests open and close sockets meanwhile. */
async function agreeWithin<T>(attempts: number, compare: () => Promise<{ left: T; right: T }>) {
  let last: { left: T; right: T } | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    last = await compare();
    try {
      expect(last.left).toEqual(last.right);
      return;
    } catch {
      // try again with fresh snapshots
    }
  }
  expect(last?.left).toEqual(last?.right);
}

async function scanWith(mode: 'netlink' | 'procfs'): Promise<readonly Listener[]> {
  const scanner = scannerFor({ platform: 'linux', mode });
  const outcome = await scanner.scan();
  scanner.dispose?.();
  if (!outcome.ok) throw new Error(`${mode} scan failed: ${outcome.reason}`);
  return outcome.listeners;
}

describe.runIf(process.platform === 'linux')('agreement', () => {
  let child: RunningChild<unknown>;
  beforeAll(async () => {
    child = await startChild(LISTENERS_SCRIPT);
  });
  afterAll(async () => {
    await child?.stop();
  });

  it('pm finds the same TCP listeners and owners as ss -ltnp', async () => {
    const scanner = scannerFor({ platform: 'linux', mode: 'netlink' });
    await agreeWithin(5, async () => {
      const ss = runSs();
      const outcome = await scanner.scan();
      if (!outcome.ok) throw new Error(`scan failed: ${outcome.reason}`);
      const pm = outcome.listeners.filter((l) => l.protocol === 'tcp');
      // ss lists every holder of a shared socket; pm names one of them, which must be among
      // ss's. Sockets ss shows without a process must have none in pm either.
      const ssView = ss.map(({ port, pids }) => {
        const match = pm.find(
          (l) => l.port === port && l.pid !== undefined && pids.includes(l.pid),
        );
        return { port, pid: pids.length === 0 ? '-' : String(match?.pid ?? pids[0]) };
      });
      const pmView = pm.map((l) => ({
        port: l.port,
        pid: l.pid === undefined ? '-' : String(l.pid),
      }));
      return { left: summarize(pmView), right: summarize(ssView) };
    });
    scanner.dispose?.();
    expect(runSs().some((entry) => entry.pids.includes(child.pid))).toBe(true);
  });

  it('the /proc/net fallback reports the same listeners as netlink', async () => {
    const key = (l: Listener) => `${l.protocol} ${l.family} ${l.address} ${l.port} ${l.pid ?? '-'}`;
    await agreeWithin(5, async () => {
      const [netlink, procfs] = [await scanWith('netlink'), await scanWith('procfs')];
      return { left: new Set(procfs.map(key)), right: new Set(netlink.map(key)) };
    });
    const netlink = await scanWith('netlink');
    expect(netlink.filter((l) => l.pid === child.pid)).toHaveLength(8);
  });
});
