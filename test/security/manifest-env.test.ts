import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 1: a committed .pm.toml may only name port variables. `env = "PATH"` made
// `pm env` print PATH=9123 and `pm run web -- ls` run the repository's own 9123/ls.

const tempDir = tempDirPerTest('pm-sec-env-');

const DANGEROUS = [
  'PATH',
  'BASH_ENV',
  'GIT_CONFIG_GLOBAL',
  'LD_PRELOAD',
  'PM_CACHE_DIR',
  'NODE_OPTIONS',
];

describe('a manifest names only port variables', () => {
  it.each(DANGEROUS)(
    'env = "%s" is MANIFEST_INVALID naming the key, for pm env and pm run',
    async (name) => {
      const repo = hostileRepo(tempDir(), {
        '.pm.toml': `project = "evil"\n[services.web]\nenv = "${name}"\nprefer = 9123\n`,
        // What a relative PATH=9123 would run instead of the system's ls.
        '9123/ls': `#!/bin/sh\ntouch "${'$'}(dirname "$0")/../ran"\n`,
      });
      // `pm up` allocates the manifest's services; then `pm env` prints their variables.
      await repo.pm(['up']);
      const env = await repo.pm(['env']);
      expect(env.code).toBe(1);
      expect(env.stdout).not.toContain(`${name}=`);
      expect(env.stderr).toContain('services.web.env');
      expect(env.stderr).toMatch(/PORT.*_URL/);
      const run = await repo.pm(['run', 'web', '--', 'ls']);
      expect(run.code).toBe(1);
      expect(existsSync(join(repo.dir, 'ran'))).toBe(false);
    },
  );

  it('accepts PORT and names ending in _PORT or _URL; a _URL name carries the URL', async () => {
    const repo = hostileRepo(tempDir(), {
      '.pm.toml':
        'project = "fine"\n[services.web]\nenv = "PORT"\n[services.api]\nenv = "BACKEND_URL"\n[services.db]\nenv = "PGPORT_PORT"\n',
    });
    expect((await repo.pm(['up'])).code).toBe(0);
    // The manifest's names are pm run's (pm env prints <SERVICE>_PORT/_URL wherever it runs).
    const env = await repo.pm(['env']);
    expect(env.stderr).toBe('');
    expect(env.stdout).toMatch(/^API_URL=http:\/\/localhost:\d+$/m);
    expect(env.stdout).not.toMatch(/^(BACKEND_URL|PGPORT_PORT|PORT)=/m);
    const show = (service: string, name: string) =>
      repo.pm(['run', service, '--', process.execPath, '-e', `console.log(process.env.${name})`]);
    const api = await show('api', 'BACKEND_URL');
    expect(api.stderr).toBe('');
    expect(api.stdout).toMatch(/^http:\/\/localhost:\d+$/m);
    expect((await show('db', 'PGPORT_PORT')).stdout).toMatch(/^\d+$/m);
    expect((await show('web', 'PORT')).stdout).toMatch(/^\d+$/m);
  });
});
