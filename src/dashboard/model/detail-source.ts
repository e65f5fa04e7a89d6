// Finds what the detail view describes in the current data: the row stays live (its state
// follows refreshes); the process part is what was read once when the view opened.
import type { StatusView } from '../../core/actions/index.js';
import { nameUrls } from '../../core/model/proxy-config.js';
import type { DetailSource, ProcessPart } from '../../view/detail.js';
import { allocationKey, unmanagedKey } from './rows.js';

export function detailSource(
  view: StatusView,
  key: string,
  process: ProcessPart,
  now: number = Date.now(),
): DetailSource {
  const allocation = view.rows.find((row) => allocationKey(row.project, row.service) === key);
  const row =
    allocation ?? view.unmanaged.find((candidate) => unmanagedKey(candidate.port) === key);
  const scannerReason = view.scanner.available ? undefined : view.scanner.reason;
  const projectPath = allocation ? view.registry.projects.get(allocation.project)?.path : undefined;
  const name =
    allocation && view.proxy
      ? nameUrls(view.registry, view.proxy).get(`${allocation.project}/${allocation.service}`)
      : undefined;
  return {
    ...(name ? { proxyUrl: name.url } : {}),
    ...(row !== undefined ? { row } : {}),
    ...(projectPath !== undefined ? { projectPath } : {}),
    ...(scannerReason !== undefined ? { scannerReason } : {}),
    process,
    now,
  };
}
