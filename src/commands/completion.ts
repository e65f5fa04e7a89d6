// `pm completion`: the shell scripts (written in cli/completion.ts from the command and flag
// tables, import()ed only when asked for) and the names they complete.
import { type CommandSpec, usageLine } from './spec.js';

export const completionSpec: CommandSpec = {
  name: 'completion',
  args: 'shell',
  usage: [
    'completion bash|zsh|fish',
    'completion names [<project>]   (project names, or a project’s services: for the scripts)',
    'completion first   (project names and the services of the project here: for the scripts)',
  ],
  summary: 'a shell completion script: commands, flags, project and service names',
  examples: [
    'pm completion bash > ~/.local/share/bash-completion/completions/pm',
    'pm completion fish > ~/.config/fish/completions/pm.fish',
  ],
  flags: [],
  run: async ({ ctx, input, table }) =>
    (await import('../cli/completion.js')).runCompletion(
      ctx,
      input,
      table.completions(),
      usageLine(completionSpec),
    ),
};
