// `pm` and `pm dashboard`: the live dashboard in a terminal, the status table once otherwise.
// The dashboard (Ink, React) is import()ed only when it opens.
import { DEFAULT_INTERVAL_MS } from '../cli/values.js';
import { type CommandSpec, unknownCommand } from './spec.js';
import { runStatus } from './status.js';

export const dashboardSpec: CommandSpec = {
  name: 'dashboard',
  usage: ['', 'dashboard [--interval MS] [--all] [--once]'],
  summary: 'the live dashboard; `pm` alone runs it (prints the table once when not in a terminal)',
  examples: ['pm', 'pm --interval 500'],
  flags: ['once', 'all', 'interval'],
  async run({ ctx, input, flags, environment, interactive, notices, env, table }) {
    if (input.length > 0) throw unknownCommand(input[0] as string, table.names);
    if (flags.once || ctx.json || !interactive) {
      return runStatus(ctx, [], { all: flags.all }, environment.registryPath);
    }
    const { runDashboard } = await import('../dashboard/terminal/run-dashboard.js');
    return runDashboard({
      deps: ctx.deps,
      registryPath: environment.registryPath,
      home: environment.home,
      intervalMs: flags.interval ?? DEFAULT_INTERVAL_MS,
      color: environment.color(flags.color),
      notices,
      tmux: (env.TMUX ?? '') !== '',
      showUnmanaged: flags.all,
    });
  },
};
