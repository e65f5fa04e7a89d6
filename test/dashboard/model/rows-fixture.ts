// Dashboard rows for reducer tests, built the way the dashboard builds them: a registry, a
// scan, the status view over them, and the rows of that view.
import { statusView } from '../../../src/core/actions/status.js';
import type { ProxyEndpoint } from '../../../src/core/model/proxy-config.js';
import { parseRegistry } from '../../../src/core/store/registry-file.js';
import { type DashboardRows, dashboardRows } from '../../../src/dashboard/model/rows.js';
import { fakeScanner, tcp } from '../../helpers/fakes.js';
import { registryToml } from '../helpers/fixtures.js';

/**
 * shop/web on 3000 (listened on by pid 4242, node) and shop/api on 3001 (idle); `proxy`: as
 * the dashboard sees them while `pm proxy` runs there.
 */
export function shopRows(
  proxy?: ProxyEndpoint,
  listeners = [tcp(3000, 4242, 'node')],
): DashboardRows {
  const registry = parseRegistry(registryToml({ shop: { web: 3000, api: 3001 } }), '/r.toml');
  return dashboardRows(
    statusView({ scanner: fakeScanner(listeners) }, registry, { ok: true, listeners }, proxy),
  );
}
