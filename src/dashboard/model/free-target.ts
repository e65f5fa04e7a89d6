// What `f` frees: the selected allocation, in the vocabulary of core/actions.

import type { FreeTarget } from '../../core/actions/index.js';
import type { Message } from './messages.js';
import type { DashboardRow } from './rows.js';

export interface FreeRequest {
  readonly project: string;
  readonly service: string;
  readonly port: number;
}

/** The allocation a free request removes, in the vocabulary of core/actions. */
export function freeTarget(target: FreeRequest): FreeTarget {
  return { kind: 'service', project: target.project, service: target.service };
}

/** What `f` would free: only allocations can be freed, not other people's listeners. */
export function freeRequestOf(row: DashboardRow | undefined): FreeRequest | Message {
  if (row === undefined) return { tone: 'warning', text: 'nothing selected to free' };
  if (row.kind === 'unmanaged') {
    return {
      tone: 'warning',
      text: `port ${row.port} is not allocated, so there is nothing to free`,
      hint: 'stop the process listening on it to release it',
    };
  }
  return { project: row.project, service: row.service, port: row.port };
}
