import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** --registry, then $PM_REGISTRY, then the per-user config directory (README, "The registry"). */
export function resolveRegistryPath(
  flag?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (flag) return resolve(flag);
  if (env.PM_REGISTRY) return resolve(env.PM_REGISTRY);
  if (platform === 'win32') {
    const appData = env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
    return join(appData, 'port-manager', 'registry.toml');
  }
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(resolve(config), 'port-manager', 'registry.toml');
}
