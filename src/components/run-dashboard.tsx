import type { Deps } from '../core/actions.js';

export interface DashboardOptions {
  readonly deps: Deps;
  readonly registryPath: string;
  readonly intervalMs: number;
  readonly color: boolean;
}

export async function runDashboard(_options: DashboardOptions): Promise<number> {
  throw new Error('dashboard under construction');
}
