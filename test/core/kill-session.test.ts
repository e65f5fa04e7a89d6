// The pm run session a listener belongs to, over an injected process table: who is included
// (the marker's processes under the run's first one), and that each passes pm kill's checks.
import { describe, expect, it } from 'vitest';
import { sessionOf } from '../../src/core/actions/kill-session.js';
import type { KillTable, KillTarget } from '../../src/core/model/kill.js';
import type { ProcessControl } from '../../src/core/ports.js';

import { failure } from '../helpers/errors.js';

// 100 pm run (no marker) -> 200 node --watch -> 300 server (listens); 400 another service's.
const parents: Record<number, number> = { 100: 50, 200: 100, 300: 200, 400: 100 };
const markers: Record<number, string> = { 200: 'shop/web', 300: 'shop/web', 400: 'shop/api' };
const control = (uids: Record<number, number> = {}): ProcessControl => ({
  self: { pid: 900, uid: 1000 },
  startTime: async (pid) => (pid === 666 ? undefined : pid * 10),
  parentPid: async (pid) => parents[pid],
  uidOf: async (pid) => uids[pid] ?? 1000,
  signal: async () => 'sent',
});
const lookup = {
  environmentValue: (pid: number, name: string) =>
    name === 'PM_SERVICE' ? markers[pid] : undefined,
  descendants: (root: number) =>
    new Set([
      root,
      ...Object.keys(parents)
        .map(Number)
        .filter((pid) => parents[pid] === root || parents[parents[pid] ?? 0] === root),
    ]),
};
const table: KillTable = {
  self: { pid: 900, uid: 1000 },
  ancestors: new Set([50]),
  processes: new Map([[300, { startTime: 3000, uid: 1000 }]]),
};
const server: KillTarget = { pid: 300, startTime: 3000, listeners: [] };

describe('sessionOf', () => {
  it("takes the run's first marked process and its marked descendants, head first", async () => {
    const session = await sessionOf(control(), lookup, [server], 3000, table);
    expect(session?.service).toBe('shop/web');
    expect(session?.head).toBe(200);
    expect(session?.targets.map((t) => t.pid)).toEqual([200, 300]);
  });

  it('is none for a listener pm run did not start', async () => {
    const foreign: KillTarget = { pid: 500, startTime: 5000, listeners: [] };
    expect(await sessionOf(control(), lookup, [foreign], 3000, table)).toBeUndefined();
  });

  it("refuses when a process of the run is another user's", async () => {
    const error = await failure(sessionOf(control({ 200: 2000 }), lookup, [server], 3000, table));
    expect(error.code).toBe('KILL_REFUSED');
    expect(error.message).toContain(
      '(pid 200) holding port 3000 belongs to another user (uid 2000)',
    );
  });
});
