// The programmatic API as the README shows it, imported by package name like a user would.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();

it('allocates through `import { allocate, defaultDeps } from "port-manager"`', () => {
  const registry = join(tempDir(), 'registry.toml');
  const script = `
    import { allocate, defaultDeps } from 'port-manager';
    const deps = defaultDeps(${JSON.stringify(registry)});
    const first = await allocate(deps, { project: 'shop', service: 'web' });
    const again = await allocate(deps, { project: 'shop', service: 'web' });
    console.log(JSON.stringify([first.port, first.created, again.port, again.created]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const [port, created, againPort, againCreated] = JSON.parse(out) as [
    number,
    boolean,
    number,
    boolean,
  ];
  expect(created).toBe(true);
  expect(againPort).toBe(port);
  expect(againCreated).toBe(false);
  expect(readFileSync(registry, 'utf8')).toContain(`web = ${port}`);
});
