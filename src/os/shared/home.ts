// The user's home directory, or undefined when there is none to find: os.homedir() throws
// when HOME is unset and the uid has no passwd entry, which is how a container started with
// an arbitrary uid (OpenShift's default) runs pm. Callers then fall back or say so.
import { homedir } from 'node:os';

export function homeDirectory(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.HOME) return env.HOME;
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}
