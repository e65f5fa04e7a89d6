// `pm config` accepts risky settings, and says so on stderr, naming the ports (exit 0).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ephemeralRange } from '../../src/os/shared/ephemeral-range.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

function pmIn(path: string) {
  return (...args: string[]) => runMain(['--registry', path, ...args]);
}

it('warns when excluded ports or allocations outside the new range are left allocated', async () => {
  const pm = pmIn(join(tempDir(), 'registry.toml'));
  expect((await pm('config', '--range', '21100-21199')).stderr).toBe('');
  const web = (await pm('allocate', 'shop', 'web')).stdout.trim();
  const api = (await pm('allocate', 'shop', 'api')).stdout.trim();

  const exclude = await pm('config', '--exclude', `${web},21190`);
  expect(exclude.code).toBe(0);
  expect(exclude.stderr).toBe(
    `warning: excluded but already allocated: ${web} (shop/web); they keep their ports until freed\n`,
  );
  expect(exclude.stdout).toContain(`exclude   ${web}, 21190`);

  // A new range just above both ports pm handed out (wherever in 21100-21199 they landed).
  const above = Math.max(Number(web), Number(api)) + 1;
  const moved = await pm('config', '--range', `${above}-${above + 49}`);
  expect(moved.code).toBe(0);
  expect(moved.stderr).toContain(
    `warning: allocated outside the new range ${above}-${above + 49}: ${api} (shop/api), ${web} (shop/web); they keep their ports`,
  );
  // Nothing changed, nothing said.
  expect((await pm('config')).stderr).toBe('');
});

const ephemeral = ephemeralRange();
it.skipIf(ephemeral === undefined)(
  'warns when the range overlaps the OS ephemeral ports',
  async () => {
    const { start, end } = ephemeral as NonNullable<typeof ephemeral>;
    const pm = pmIn(join(tempDir(), 'registry.toml'));
    const result = await pm('config', '--range', `${start - 100}-${start + 99}`);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: ports ${start}-${Math.min(end, start + 99)} of the range are also the OS's ephemeral ports (${start}-${end}`,
    );
    expect(result.stderr).toContain(`a range below ${start} avoids that`);
    expect((await pm('config', '--range', `${start - 200}-${start - 1}`)).stderr).toBe('');
  },
);
