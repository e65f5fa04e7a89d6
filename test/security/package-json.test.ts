import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';
import { hostileRepo } from './hostile-repo.js';

// Issue 29 item 8 for package.json: `pm run` read it with a blocking readFileSync, so a FIFO
// hung pm (SIGINT and SIGTERM no longer worked) and a link to /dev/zero read 1.2 GB.

const tempDir = tempDirPerTest('pm-sec-pkg-');

describe('pm run with a package.json that is not a regular file', () => {
  it.each([
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
  ])('runs the command without reading %s', async (_what, make) => {
    const repo = hostileRepo(tempDir(), { '.pm.toml': 'project = "shop"\n[services.web]\n' });
    make(join(repo.dir, 'package.json'));
    // `npm run dev` makes pm look the script up in package.json; npm itself is not needed:
    // a PATH with only this stand-in.
    const bin = join(repo.dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    execFileSync('sh', [
      '-c',
      `printf '#!/bin/sh\\nexit 0\\n' > ${bin}/npm && chmod +x ${bin}/npm`,
    ]);
    const result = await repo.pm(
      ['run', 'web', '--', 'npm', 'run', 'dev'],
      { PATH: `${bin}:${process.env.PATH}` },
      repo.dir,
      10_000,
    );
    expect(result.code).toBe(0);
  });
});
