// Deps come from one Platform: conflict detection asks the same OS layer whose inspector
// reads the working directory (before, it used a Linux-only /proc read on every OS).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { status } from '../src/core/actions/index.js';
import type { Platform } from '../src/core/ports.js';
import { platformFor } from '../src/os/index.js';
import { createDeps } from '../src/wiring.js';
import { fakeScanner, tcp } from './helpers/fakes.js';
import { tempDirPerTest } from './helpers/tmp.js';

const tempDir = tempDirPerTest();

/** A macOS-like Platform (not this machine's OS) whose processes run where the test says. */
function platformWithCwds(cwds: Record<number, string>): Platform {
  const base = platformFor('darwin');
  return {
    ...base,
    scanner: () => fakeScanner([tcp(4100, 4242, 'node')]),
    cwdOf: (pid) => cwds[pid],
  };
}

it("marks a listener outside the project as a conflict by the platform's working directory", async () => {
  const registry = join(tempDir(), 'registry.toml');
  writeFileSync(
    registry,
    'version = 1\n\n[projects.shop]\npath = "/work/shop"\n\n[projects.shop.ports]\nweb = 4100\n',
  );
  const stateWith = async (cwd: string) => {
    const deps = createDeps({ registryPath: registry }, platformWithCwds({ 4242: cwd }));
    return (await status(deps)).rows.map((row) => row.state);
  };
  expect(await stateWith('/elsewhere/blog')).toEqual(['conflict']);
  expect(await stateWith('/work/shop/web')).toEqual(['active']);
});
