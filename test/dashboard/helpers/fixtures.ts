// Registry fixtures for dashboard tests: a real registry in a temporary directory and its
// text. The fakes (scanner, listeners, deps) are the shared ones in test/helpers/fakes.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryStore } from '../../../src/core/store/registry-store.js';
import { testStoreSystem } from '../../helpers/store-system.js';

export interface TempRegistry {
  readonly dir: string;
  readonly path: string;
  readonly store: RegistryStore;
  /** Writes registry.toml directly, as a hand edit would. */
  write(text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempRegistry(): Promise<TempRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-dashboard-'));
  const path = join(dir, 'registry.toml');
  return {
    dir,
    path,
    store: new RegistryStore({ ...testStoreSystem(), path, lockTimeoutMs: 2000 }),
    write: (text) => writeFile(path, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A registry file with these allocations (project -> service -> port). */
export function registryToml(
  projects: Readonly<Record<string, Readonly<Record<string, number>>>>,
  range = { start: 3000, end: 9999 },
): string {
  const lines = [
    'version = 1',
    '',
    '[defaults]',
    `range_start = ${range.start}`,
    `range_end = ${range.end}`,
  ];
  for (const [project, services] of Object.entries(projects)) {
    lines.push('', `[projects.${project}.ports]`);
    for (const [service, port] of Object.entries(services)) lines.push(`${service} = ${port}`);
  }
  return `${lines.join('\n')}\n`;
}
