// The names a project's services have while `pm proxy` runs, as URLs (DESIGN §5f). Nothing
// when it does not run: then no name answers, and a URL would only mislead.

import { nameUrls } from '../model/proxy-config.js';
import type { Deps } from '../ports.js';

/** service -> `http://<service>.<project>.localhost:<port>`, empty when no proxy runs. */
export async function proxyUrls(
  deps: Pick<Deps, 'store' | 'proxy'>,
  project: string,
): Promise<Map<string, string>> {
  const endpoint = await deps.proxy?.();
  if (endpoint === undefined) return new Map();
  const { registry } = await deps.store.read();
  const prefix = `${project}/`;
  return new Map(
    [...nameUrls(registry, endpoint)]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, name]) => [key.slice(prefix.length), name.url]),
  );
}
