// The dashboard's first table, loaded before React and Ink are imported: the scan and the
// registry read need neither, so the first frame can show the table at once instead of a
// placeholder followed by the table one load later (docs/benchmarks.md has the figures).
import { type Deps, type StatusView, statusView } from '../../core/actions/index.js';

/**
 * The view of the first refresh. Never rejects: on any problem (a corrupt registry) it gives
 * undefined, and the dashboard loads the way every refresh does, which shows the problem.
 */
export async function loadFirstView(deps: Deps): Promise<StatusView | undefined> {
  try {
    const [scan, { registry }] = await Promise.all([deps.scanner.scan(), deps.store.read()]);
    return statusView(deps, registry, scan);
  } catch {
    return undefined;
  }
}
