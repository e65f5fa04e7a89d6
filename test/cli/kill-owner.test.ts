// pm kill as root on another user's process says whose it was; --dry-run shows what would be
// signalled and signals nothing; both in JSON. Over an injected process table and a fake
// inspector: no real process is signalled here.
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/commands/context.js';
import { runKill } from '../../src/commands/kill.js';
import type { ProcessInspector } from '../../src/core/ports.js';
import { createStyle } from '../../src/view/style.js';
import { fakeControl, fakeScanner, tcp, testDeps } from '../helpers/fakes.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-kill-owner-');
const PORT = 4100;
const server = { ...tcp(PORT, 700, 'node'), uid: 1001, command: ['node', 'server.js'] };

function world(json = false) {
  const scanner = fakeScanner([server]);
  const control = fakeControl(
    { pid: 500, uid: 0 },
    { 500: { startTime: 1, uid: 0 }, 700: { startTime: 4, uid: 1001 } },
    () => scanner.set([]),
  );
  const inspector: ProcessInspector = {
    detail: async (pid) =>
      pid === 700
        ? {
            pid,
            uid: 1001,
            user: 'bob',
            command: ['node', 'server.js'],
            cwd: '/srv/shop',
            unavailable: {},
          }
        : undefined,
    startTime: async () => 4,
    parentPid: async () => 1,
  };
  const out: string[] = [];
  const err: string[] = [];
  const ctx: Context = {
    deps: { ...testDeps(`${tempDir()}/registry.toml`, { scanner }), control, inspector },
    json,
    style: createStyle(false),
    io: { out: (text) => out.push(text), err: (text) => err.push(text) },
    cwd: '.',
  };
  return { ctx, control, out, err };
}

describe('pm kill and the owner', () => {
  it("names another user's process by its owner", async () => {
    const { ctx, err } = world();
    expect(await runKill(ctx, [`:${PORT}`], { force: true })).toBe(0);
    expect(err.join('\n')).toContain(
      `stopped server.js (node) (pid 700) of user bob (uid 1001) on port ${PORT}`,
    );
  });

  it('--dry-run shows pid, owner, command and port, and signals nothing', async () => {
    const { ctx, control, out } = world();
    expect(await runKill(ctx, [`:${PORT}`], { dryRun: true, force: true })).toBe(0);
    expect(control.sent).toEqual([]);
    expect(out.join('\n').split('\n')).toEqual([
      `would send SIGTERM to server.js (node) (pid 700) of user bob (uid 1001) on port ${PORT}: node server.js (in /srv/shop), then SIGKILL after 5 s if the port is still held`,
      `nothing was stopped (dry run): port ${PORT} is held by server.js (node) (pid 700)`,
    ]);
  });

  it('--dry-run --json lists the same, exactly', async () => {
    const { ctx, control, out } = world(true);
    expect(await runKill(ctx, [`:${PORT}`], { dryRun: true, force: true })).toBe(0);
    expect(control.sent).toEqual([]);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      port: PORT,
      dry_run: true,
      signal: 'SIGTERM',
      processes: [
        {
          pid: 700,
          owner: { uid: 1001, user: 'bob' },
          command: ['node', 'server.js'],
          cwd: '/srv/shop',
        },
      ],
    });
    const killed = world(true);
    await runKill(killed.ctx, [`:${PORT}`], { force: true });
    expect(JSON.parse(killed.out.join('\n')).processes[0]).toMatchObject({
      pid: 700,
      owner: { uid: 1001, user: 'bob' },
    });
  });
});
