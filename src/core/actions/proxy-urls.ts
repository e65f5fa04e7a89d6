// The names a project's services have while `pm proxy` runs, as URLs (DESIGN §5f). Nothing
// when it does not run: then no name answers, and a URL would only mislead.

import { proxyRoutes, proxyUrl } from '../model/proxy-config.js';
import type { Deps } from '../ports.js';

/** service -> `http://<service>.<project>.localhost:<port>`, empty when no proxy runs. */
export async function proxyUrls(
  deps: Pick<Deps, 'store' | 'proxy'>,
  project: string,
): Promise<Map<string, string>> {
  const endpoint = await deps.proxy?.();
  if (endpoint === undefined) return new Map();
  const { registry } = await deps.store.read();
  return new Map(
    proxyRoutes(registry)
      .filter((route) => route.project === project)
      .map((route) => [route.service, proxyUrl(route.host, endpoint)]),
  );
}
