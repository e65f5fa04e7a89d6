import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { alive, foreignListener, PYTHON } from './foreign-listener.js';
import { hostileRepo } from './hostile-repo.js';
import { otherUser, skipReason } from './other-user.js';

// Issue 29 item 11: as root, `pm kill <project> <service>` signalled whatever listened on the
// port, another user's process included, without a word. Now that needs --force, unless the
// process is the one `pm run` started for that service (its PM_SERVICE marker).

const tempDir = tempDirPerTest('pm-sec-kill-');
const reason =
  skipReason || (PYTHON ? '' : 'no /usr/bin/python3 to run a listener as another user');

describe.skipIf(otherUser === undefined || PYTHON === undefined)(
  `pm kill as root (${reason || 'as root'})`,
  () => {
    it("refuses another user's listener without --force, and stops it with --force", async () => {
      const repo = hostileRepo(tempDir(), {});
      const listener = await foreignListener({ uid: otherUser!.uid, gid: otherUser!.gid });
      try {
        expect(
          (await repo.pm(['allocate', 'shop', 'web', '--port', String(listener.port), '--force']))
            .code,
        ).toBe(0);
        for (const args of [
          ['kill', 'shop', 'web'],
          ['kill', `:${listener.port}`],
        ]) {
          const refused = await repo.pm([...args, '--timeout', '1']);
          expect(refused.code, args.join(' ')).toBe(1);
          expect(refused.stderr).toContain(`uid ${otherUser!.uid}`);
          expect(refused.stderr).toContain('--force');
          expect(alive(listener.pids[0]!)).toBe(true);
        }
        const forced = await repo.pm(['kill', 'shop', 'web', '--force', '--timeout', '2']);
        expect(forced.stderr).toContain('stopped');
        expect(forced.code).toBe(0);
        await listener.exited;
      } finally {
        await listener.stop();
      }
    });

    it('stops, without --force, the process pm run started for that service', async () => {
      const repo = hostileRepo(tempDir(), {});
      const listener = await foreignListener({
        uid: otherUser!.uid,
        gid: otherUser!.gid,
        env: { PM_SERVICE: 'shop/web', PM_REGISTRY: repo.registry },
      });
      try {
        expect(
          (await repo.pm(['allocate', 'shop', 'web', '--port', String(listener.port), '--force']))
            .code,
        ).toBe(0);
        const result = await repo.pm(['kill', 'shop', 'web', '--timeout', '2']);
        expect(result.stderr).toContain('stopped');
        expect(result.code).toBe(0);
        await listener.exited;
      } finally {
        await listener.stop();
      }
    });
  },
);
