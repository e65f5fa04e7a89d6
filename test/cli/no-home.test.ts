// pm run by a user with no home directory: no HOME and no passwd entry, as a container
// started with an arbitrary uid (OpenShift's default) runs it. os.homedir() throws there, and
// the bin used to die on it before pm's first line. Linux, as root (to become such a user).
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const newDir = tempDirPerTest('pm-no-home-');
const NOBODY = 54321; // no passwd entry on a test machine; checked below
const canTest =
  process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

function asHomeless(args: readonly string[], env: NodeJS.ProcessEnv) {
  return spawnSync(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI, ...args],
    { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
  );
}

it.skipIf(!canTest)('works with --registry and keeps its caches in the temp dir', () => {
  const probe = spawnSync(
    'setpriv',
    [`--reuid=${NOBODY}`, process.execPath, '-e', 'require("os").homedir()'],
    { env: { PATH: process.env.PATH }, encoding: 'utf8' },
  );
  expect(probe.status, 'this uid must have no home for the test to mean anything').not.toBe(0);
  const dir = newDir();
  const tmp = newDir();
  chownSync(dir, NOBODY, NOBODY);
  chownSync(tmp, NOBODY, NOBODY);
  const allocated = asHomeless(['--registry', join(dir, 'r.toml'), 'allocate', 'shop', 'web'], {
    TMPDIR: tmp,
  });
  expect(allocated.stderr).toBe('');
  expect(allocated.status).toBe(0);
  expect(allocated.stdout.trim()).toMatch(/^\d+$/);
  const cache = join(tmp, `port-manager-${NOBODY}`);
  // Node's compile cache: private to this uid, so used.
  expect(readdirSync(join(cache, 'node-compile-cache')).length).toBeGreaterThan(0);
});

it.skipIf(!canTest)('says where the registry could be without a home, exit 1', () => {
  const result = asHomeless(['status'], { TMPDIR: newDir() });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('no home directory to keep the registry in');
  expect(result.stderr).toMatch(/set HOME or XDG_CONFIG_HOME/);
  expect(result.stderr).toMatch(/--registry PATH or PM_REGISTRY/);
});
