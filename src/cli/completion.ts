// `pm completion bash|zsh|fish`: a completion script built from the command and flag tables,
// and `pm completion names [<project>]`, which the scripts call for project and service names.
// That path reads the registry file and nothing else: no Ink, no scanner, no lock.

import type { Context } from '../commands/context.js';
import { PmError } from '../core/errors.js';
import { EXPORT_FORMATS } from '../core/model/proxy-config.js';
import { inferProject } from '../core/project/inference.js';
import type { PositionalKind } from './commands.js';
import { type FlagName, flagSpec } from './flags.js';

export interface CompletionEntry {
  readonly command: string;
  readonly flags: readonly FlagName[];
  readonly args?: PositionalKind;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** The commands whose positionals are of `kind`, as the command table says. */
function commandsTaking(table: readonly CompletionEntry[], kind: PositionalKind): string[] {
  return table.filter((entry) => entry.args === kind).map((entry) => entry.command);
}

/** Value flags with a short list of values, and that list. */
function choiceFlags(table: readonly CompletionEntry[]): [flag: string, choices: string][] {
  const names = [...new Set(table.flatMap((entry) => entry.flags))];
  return names.flatMap((name) => {
    const spec = flagSpec(name);
    return spec.kind === 'value' && spec.choices ? [[`--${name}`, spec.choices.join(' ')]] : [];
  }) as [string, string][];
}

/** Every way a flag is written: --port, --no-color, -h. */
function spellings(name: FlagName): string[] {
  const spec = flagSpec(name);
  const long = spec.kind === 'switch' && spec.negated ? `--no-${name}` : `--${name}`;
  return spec.short ? [long, `-${spec.short}`] : [long];
}

function valueFlags(table: readonly CompletionEntry[]) {
  const names = [...new Set(table.flatMap((entry) => entry.flags))];
  const takesValue = names.filter((name) => flagSpec(name).kind === 'value');
  const placeholder = (name: FlagName) => {
    const spec = flagSpec(name);
    return spec.kind === 'value' ? spec.placeholder : '';
  };
  return {
    all: takesValue.map((name) => `--${name}`),
    files: takesValue
      .filter((name) => placeholder(name) === 'PATH' || placeholder(name) === 'FILE')
      .map((name) => `--${name}`),
    dirs: takesValue.filter((name) => placeholder(name) === 'DIR').map((name) => `--${name}`),
  };
}

function bashFunction(table: readonly CompletionEntry[]): string {
  const commands = table.map((entry) => entry.command).join(' ');
  const values = valueFlags(table);
  const flagCases = table
    .map((entry) => `      ${entry.command}) words="${entry.flags.flatMap(spellings).join(' ')}";;`)
    .join('\n');
  return `_pm_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local command="" registry=() args=() words="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      --registry) w="\${COMP_WORDS[i+1]}"; registry=(--registry "\${w/#\\~/$HOME}"); ((i++));;
      ${values.all.filter((flag) => flag !== '--registry').join('|')}) ((i++));;
      -*) ;;
      *) if [[ -z "$command" ]]; then command="$w"; else args+=("$w"); fi;;
    esac
  done
  case "$prev" in
${choiceFlags(table)
  .map(
    ([flag, choices]) => `    ${flag}) COMPREPLY=($(compgen -W "${choices}" -- "$cur")); return;;`,
  )
  .join('\n')}
    ${values.files.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return;;
    ${values.dirs.join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return;;
    ${values.all.join('|')}) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "\${command:-dashboard}" in
${flagCases}
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  if [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "${commands}" -- "$cur"))
    return
  fi
  case "$command" in
    ${commandsTaking(table, 'project-service').join('|')})
      if ((\${#args[@]} == 0)); then
        COMPREPLY=($(compgen -W "$(pm "\${registry[@]}" completion first 2>/dev/null)" -- "$cur"))
      elif ((\${#args[@]} == 1)); then
        COMPREPLY=($(compgen -W "$(pm "\${registry[@]}" completion names "\${args[@]}" 2>/dev/null)" -- "$cur"))
      fi;;
    ${commandsTaking(table, 'project').join('|')})
      ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "$(pm "\${registry[@]}" completion names 2>/dev/null)" -- "$cur"));;
    ${commandsTaking(table, 'command').join('|')}) ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "${commands}" -- "$cur"));;
    ${commandsTaking(table, 'shell').join('|')}) ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur"));;
    proxy) ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "trust" -- "$cur"));;
    export) ((\${#args[@]} == 0)) && COMPREPLY=($(compgen -W "${EXPORT_FORMATS.join(' ')}" -- "$cur"));;
  esac
}`;
}

function bashScript(table: readonly CompletionEntry[]): string {
  return `# pm completion for bash. Install:
#   pm completion bash > ~/.local/share/bash-completion/completions/pm
${bashFunction(table)}
complete -F _pm_completion pm
`;
}

/** zsh runs the bash completion through its own bashcompinit layer. */
function zshScript(table: readonly CompletionEntry[]): string {
  return `# pm completion for zsh. Install: add to ~/.zshrc, after compinit:
#   source <(pm completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(table)}
complete -F _pm_completion pm
`;
}

function fishScript(table: readonly CompletionEntry[]): string {
  const values = valueFlags(table);
  const lines = [
    '# pm completion for fish. Install:',
    '#   pm completion fish > ~/.config/fish/completions/pm.fish',
    'function __pm_positional',
    '    set -l words (commandline -opc)',
    '    set -e words[1]',
    '    set -l skip 0',
    '    for w in $words',
    '        if test $skip = 1',
    '            set skip 0',
    '            continue',
    '        end',
    '        switch $w',
    `            case ${values.all.map((flag) => `'${flag}'`).join(' ')}`,
    '                set skip 1',
    "            case '-*'",
    "            case '*'",
    '                echo $w',
    '        end',
    '    end',
    'end',
    'function __pm_registry',
    '    set -l words (commandline -opc)',
    '    if set -l i (contains -i -- --registry $words)',
    '        echo --registry',
    "        string replace -r '^~' $HOME -- $words[(math $i + 1)]",
    '    end',
    'end',
    'function __pm_names',
    '    set -l words (__pm_positional)',
    '    switch "$words[1]"',
    `        case ${commandsTaking(table, 'project-service').join(' ')}`,
    '            if test (count $words) -eq 1',
    '                pm (__pm_registry) completion first 2>/dev/null',
    '            else if test (count $words) -eq 2',
    '                pm (__pm_registry) completion names $words[2] 2>/dev/null',
    '            end',
    `        case ${commandsTaking(table, 'project').join(' ')}`,
    '            if test (count $words) -eq 1',
    '                pm (__pm_registry) completion names 2>/dev/null',
    '            end',
    `        case ${commandsTaking(table, 'command').join(' ')}`,
    '            if test (count $words) -eq 1',
    `                printf '%s\\n' ${table.map((entry) => entry.command).join(' ')}`,
    '            end',
    `        case ${commandsTaking(table, 'shell').join(' ')}`,
    '            if test (count $words) -eq 1',
    `                printf '%s\\n' ${SHELLS.join(' ')}`,
    '            end',
    '    end',
    'end',
    'complete -c pm -f',
    `complete -c pm -n 'test (count (__pm_positional)) -eq 0' -a '${table.map((entry) => entry.command).join(' ')}'`,
    "complete -c pm -a '(__pm_names)'",
    "complete -c pm -n '__fish_seen_subcommand_from proxy' -a 'trust'",
    `complete -c pm -n '__fish_seen_subcommand_from export' -a '${EXPORT_FORMATS.join(' ')}'`,
  ];
  for (const entry of table) {
    for (const name of entry.flags) {
      const spec = flagSpec(name);
      const long = spec.kind === 'switch' && spec.negated ? `no-${name}` : name;
      const when =
        entry.command === 'dashboard'
          ? "'test (count (__pm_positional)) -eq 0'"
          : `'__fish_seen_subcommand_from ${entry.command}'`;
      const value =
        spec.kind === 'value'
          ? spec.choices
            ? ` -x -a '${spec.choices.join(' ')}'`
            : ['PATH', 'DIR', 'FILE'].includes(spec.placeholder)
              ? ' -r -F'
              : ' -x'
          : '';
      const short = spec.short ? ` -s ${spec.short}` : '';
      const description = spec.description.replaceAll("'", "\\'");
      lines.push(`complete -c pm -n ${when} -l ${long}${short}${value} -d '${description}'`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const SCRIPTS: Readonly<Record<Shell, (table: readonly CompletionEntry[]) => string>> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};

export async function runCompletion(
  ctx: Context,
  input: readonly string[],
  table: readonly CompletionEntry[],
  usage: string,
): Promise<number> {
  const USAGE = `usage: ${usage}`;
  const [what, ...rest] = input;
  if (what === 'names') return printNames(ctx, rest);
  if (what === 'first') return printNames(ctx, rest, true);
  if (what === undefined || !(SHELLS as readonly string[]).includes(what) || rest.length > 0) {
    throw new PmError('USAGE', what === undefined ? USAGE : `unknown shell '${what}'; ${USAGE}`);
  }
  ctx.io.out(SCRIPTS[what as Shell](table).trimEnd());
  return 0;
}

/**
 * Project names, or the services of one project, one a line. Quiet on any trouble: a broken
 * registry must not spill errors into the middle of someone's command line.
 */
async function printNames(
  ctx: Context,
  input: readonly string[],
  withServicesHere = false,
): Promise<number> {
  if (input.length > 1) return 0;
  let registry: Awaited<ReturnType<typeof ctx.deps.store.read>>['registry'];
  try {
    ({ registry } = await ctx.deps.store.read());
  } catch {
    return 0;
  }
  const [project] = input;
  const names =
    project === undefined
      ? [...registry.projects.keys()]
      : [...(registry.projects.get(project)?.ports.keys() ?? [])];
  // Inside a project the first word may be one of its services (`pm free web`).
  if (withServicesHere && project === undefined) {
    let here: string | undefined;
    try {
      here = inferProject(registry, ctx.cwd)?.project;
    } catch {
      here = undefined;
    }
    names.push(...(here === undefined ? [] : (registry.projects.get(here)?.ports.keys() ?? [])));
  }
  for (const name of [...new Set(names)].sort()) ctx.io.out(name);
  return 0;
}
