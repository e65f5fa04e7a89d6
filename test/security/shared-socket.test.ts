import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { alive, foreignListener, PYTHON } from './foreign-listener.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 14: a socket several processes hold (fork after listen, as pre-forking
// servers do): `pm query` listed one pid, `pm kill` signalled one, then SIGKILLed a dead pid
// and failed. Every holder is listed, and each is signalled (with the same checks) and waited for.

const tempDir = tempDirPerTest('pm-sec-shared-');

describe.skipIf(process.platform !== 'linux' || PYTHON === undefined)(
  'a socket shared by three processes',
  () => {
    it('is listed with every pid, and pm kill stops all of them', async () => {
      const repo = hostileRepo(tempDir(), {});
      const listener = await foreignListener({ forks: 2 });
      try {
        expect(listener.pids).toHaveLength(3);
        const query = await repo.pm(['query', `:${listener.port}`, '--json']);
        expect(query.code).toBe(0);
        const pids = new Set(JSON.parse(query.stdout).listeners.map((l: { pid: number }) => l.pid));
        expect([...pids].sort()).toEqual([...listener.pids].sort());
        const killed = await repo.pm(['kill', `:${listener.port}`, '--timeout', '3', '--json']);
        expect(killed.stderr).toBe('');
        expect(killed.code).toBe(0);
        const result = JSON.parse(killed.stdout);
        expect(result.freed).toBe(true);
        expect(result.processes.map((p: { pid: number }) => p.pid).sort()).toEqual(
          [...listener.pids].sort(),
        );
        await listener.exited;
        for (const pid of listener.pids) expect(alive(pid)).toBe(false);
      } finally {
        await listener.stop();
      }
    });
  },
);
