import { join, resolve } from 'node:path';
import { PmError } from '../errors.js';

/** --registry, then $PM_REGISTRY, then the per-user config directory (README, "The registry"). */
export function resolveRegistryPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  /** The user's home directory by these variables, where there is one (src/os/shared/home.ts). */
  homeDirectory: (env: Readonly<Record<string, string | undefined>>) => string | undefined,
): string {
  if (flag) return resolve(flag);
  if (env.PM_REGISTRY) return resolve(env.PM_REGISTRY);
  if (platform === 'win32') {
    // Windows: the profile directory, as os.homedir() finds it (USERPROFILE), never HOME.
    const appData = env.APPDATA ?? join(home(homeDirectory({})), 'AppData', 'Roaming');
    return join(appData, 'port-manager', 'registry.toml');
  }
  const config = env.XDG_CONFIG_HOME || join(home(homeDirectory(env)), '.config');
  return join(resolve(config), 'port-manager', 'registry.toml');
}

function home(found: string | undefined): string {
  if (found !== undefined) return found;
  throw new PmError(
    'IO',
    'no home directory to keep the registry in: HOME is not set and this user has no entry in the password database',
    [{ kind: 'text', text: 'set HOME or XDG_CONFIG_HOME' }, { kind: 'other-registry' }],
  );
}
