// The range ports come from and the ports never handed out.
import { configWarnings, type EphemeralPorts } from '../model/config-warnings.js';
import type { Port, PortRange } from '../model/port.js';
import { type Registry, withDefaults } from '../model/registry.js';
import type { Deps } from '../ports.js';

export interface ConfigChange {
  readonly range?: PortRange;
  readonly exclude?: readonly Port[];
}

export interface ConfigView {
  readonly range: PortRange;
  readonly exclude: readonly Port[];
  /** Risky settings that were accepted anyway (see config-warnings.ts). */
  readonly warnings: readonly string[];
}

export async function configure(
  deps: Pick<Deps, 'store'>,
  change: ConfigChange,
  ephemeral?: EphemeralPorts,
): Promise<ConfigView> {
  const view = (registry: Registry, warnings: readonly string[] = []): ConfigView => ({
    range: registry.defaults.range,
    exclude: registry.defaults.exclude,
    warnings,
  });
  if (change.range === undefined && change.exclude === undefined) {
    return view((await deps.store.read()).registry);
  }
  return deps.store.transaction((registry) => {
    const next = withDefaults(registry, change);
    return { registry: next, result: view(next, configWarnings(next, change, ephemeral)) };
  });
}
