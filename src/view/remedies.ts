// Remedies in each front end's words: the CLI names commands and flags, the dashboard names
// keys (and says so when something can only be done on the command line), its allocate form
// names what to type there (the table's keys type into the form while it is open), the MCP
// server names its tools and their arguments, and says what only the user can do.
import type { Remedy, RemedyKind } from '../core/errors.js';
import { NAME_RULE } from '../core/model/names.js';

export type FrontEnd = 'cli' | 'dashboard' | 'form' | 'mcp';

/** Every remedy kind; the test words each in both front ends, so a new kind needs words. */
export const REMEDY_KINDS = [
  'help',
  'suggest',
  'force',
  'stop-listener',
  'free-service-first',
  'free-port-first',
  'free-ports',
  'widen-range',
  'list-allocations',
  'list-project',
  'allocate',
  'name-project',
  'declare-manifest',
  'exact-or-prefer',
  'name-rule',
  'restore-backup',
  'doctor',
  'other-registry',
  'text',
] as const satisfies readonly RemedyKind[];

const RESTORE_TAIL =
  'to put back the last good copy (registry.toml.bak); pm leaves the file untouched until then';

function cliWords(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'help':
      return "run 'pm --help' for every command and option";
    case 'suggest':
      return "pick another port with 'pm suggest'";
    case 'force':
      return 'pass --force to record it anyway';
    case 'stop-listener':
      return 'stop that process';
    case 'free-service-first':
      return `free it first with 'pm free ${remedy.project} ${remedy.service}', then allocate --port ${remedy.port}`;
    case 'free-port-first':
      return `release it first with 'pm free :${remedy.port}'`;
    case 'free-ports':
      return "free ports with 'pm free'";
    case 'widen-range': {
      const range = remedy.range ? `${remedy.range.start}-${remedy.range.end}` : 'A-B';
      return `widen the range with 'pm config --range ${range}'`;
    }
    case 'list-allocations':
      return "'pm status' lists what is allocated";
    case 'list-project':
      return `'pm query ${remedy.project}' lists that project's services`;
    case 'allocate':
      return `allocate ${remedy.service === undefined ? 'one' : 'it'} with 'pm allocate ${remedy.project} ${remedy.service ?? '<service>'}'`;
    case 'name-project':
      if (remedy.command !== undefined && remedy.command !== 'allocate') {
        const usage = {
          run: 'pm run <project> <service> -- <command>',
          env: 'pm env <project>',
          wait: 'pm wait <project> <service>',
          status: 'pm status <project>',
        }[remedy.command];
        return `name it: ${usage} (or record this directory once: pm allocate <project> <service> --path .)`;
      }
      return 'name it: pm allocate <project> <service> (add --path . to record this directory for next time)';
    case 'declare-manifest':
      return "declare it in a .pm.toml at the repository root, one [services.<name>] table per service, then run 'pm up' (see 'pm help up')";
    case 'exact-or-prefer':
      return 'use --port N for exactly N, or --prefer N to search upward from N';
    case 'name-rule':
      return `${NAME_RULE} (e.g. shop, api-v2, worker_1)`;
    case 'restore-backup':
      return `fix it by hand, or run 'pm doctor' to inspect it and 'pm doctor --restore' ${RESTORE_TAIL}`;
    case 'doctor':
      return "run 'pm doctor' to see what is wrong";
    case 'other-registry':
      return 'point pm at another file with --registry PATH or PM_REGISTRY';
    case 'text':
      return remedy.text;
  }
}

function dashboardWords(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'help':
      return 'press ? for the keys';
    case 'suggest':
      return 'press s for a free port';
    case 'force':
      return `only the command line can record a port in use (pm allocate --port … --force)`;
    case 'stop-listener':
      return 'stop that process';
    case 'free-service-first':
      return `free ${remedy.project}/${remedy.service} first (select it, press f), then allocate ${remedy.port}`;
    case 'free-port-first':
      return `free port ${remedy.port} first (select its row, press f)`;
    case 'free-ports':
      return 'free ports you no longer need (select one, press f)';
    case 'widen-range': {
      const range = remedy.range ? `${remedy.range.start}-${remedy.range.end}` : 'A-B';
      return `widen the range: quit and run 'pm config --range ${range}'`;
    }
    case 'list-allocations':
      return 'the table lists what is allocated';
    case 'list-project':
      return `press / and type ${remedy.project} to see that project's services`;
    case 'allocate':
      return `press a to allocate ${remedy.service === undefined ? 'one' : 'it'}`;
    case 'name-project':
      return 'type the project name';
    case 'declare-manifest':
      return "declare it in a .pm.toml at the repository root, then quit and run 'pm up'";
    case 'exact-or-prefer':
      return 'type an exact port, or leave it blank to have one picked';
    case 'name-rule':
      return `${NAME_RULE} (e.g. shop, api-v2, worker_1)`;
    case 'restore-backup':
      return `fix it by hand, or quit and run 'pm doctor --restore' ${RESTORE_TAIL}`;
    case 'doctor':
      return "quit and run 'pm doctor' to see what is wrong";
    case 'other-registry':
      return 'quit and start pm with another registry (--registry PATH or PM_REGISTRY)';
    case 'text':
      return remedy.text;
  }
}

/**
 * Inside the dashboard's allocate form: what to type in it, or Esc first for a table key
 * (a key pressed in the form is typed into its field).
 */
function formWords(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'suggest':
      return 'clear the port to get a free one';
    case 'exact-or-prefer':
    case 'name-project':
    case 'name-rule':
    case 'force':
    case 'stop-listener':
    case 'text':
    case 'widen-range':
    case 'restore-backup':
    case 'doctor':
    case 'other-registry':
    case 'declare-manifest':
      return dashboardWords(remedy);
    case 'allocate':
      return `type ${remedy.service === undefined ? 'a service' : `${remedy.service}`} in the form and press Enter`;
    case 'list-allocations':
      return 'press Esc: the table lists what is allocated';
    case 'help':
    case 'free-service-first':
    case 'free-port-first':
    case 'free-ports':
    case 'list-project':
      return `press Esc, then ${dashboardWords(remedy).replace(/^press /, '')}`;
  }
}

/** For a coding agent: the tool to call and its arguments, or what to ask the user for. */
function agentWords(remedy: Remedy): string {
  switch (remedy.kind) {
    case 'help':
      return "list the tools (tools/list) for each tool's arguments";
    case 'suggest':
      return 'call port without a port argument to have a free one picked';
    case 'force':
      return 'only the user can record a port that is in use (pm allocate --port N --force)';
    case 'stop-listener':
      return 'stop that process if it is yours (kill, with confirm: true), or use another port';
    case 'free-service-first':
      return `call free with project "${remedy.project}" and service "${remedy.service}" first, then port with port ${remedy.port}`;
    case 'free-port-first':
      return `call free with port ${remedy.port} first, if that allocation is no longer needed`;
    case 'free-ports':
      return 'call free for allocations no longer needed (status lists them)';
    case 'widen-range': {
      const range = remedy.range ? `${remedy.range.start}-${remedy.range.end}` : 'A-B';
      return `ask the user to widen the range (pm config --range ${range})`;
    }
    case 'list-allocations':
      return 'call status to see what is allocated';
    case 'list-project':
      return `call status with project "${remedy.project}" to see its services`;
    case 'allocate':
      return `call port with project "${remedy.project}"${remedy.service === undefined ? ' and a service' : ` and service "${remedy.service}"`}`;
    case 'name-project':
      return 'pass project, or a cwd inside a project (a directory with a .pm.toml above it, or a recorded path)';
    case 'declare-manifest':
      return 'declare the project in a .pm.toml at the repository root (one [services.<name>] table per service), then call port for each service';
    case 'exact-or-prefer':
      return 'pass port for exactly that port, or prefer to search upward from it, not both';
    case 'name-rule':
      return `${NAME_RULE} (e.g. shop, api-v2, worker_1)`;
    case 'restore-backup':
      return `do not edit or delete the registry; ask the user to run 'pm doctor' ('pm doctor --restore' ${RESTORE_TAIL})`;
    case 'doctor':
      return "ask the user to run 'pm doctor' to see what is wrong";
    case 'other-registry':
      return "ask the user to point pm at another registry file (PM_REGISTRY in the MCP server's environment)";
    case 'text':
      return remedy.text;
  }
}

/** One remedy in the front end's words (not sanitized: see formatError). */
export function wordRemedy(remedy: Remedy, frontEnd: FrontEnd): string {
  switch (frontEnd) {
    case 'mcp':
      return agentWords(remedy);
    case 'cli':
      return cliWords(remedy);
    case 'form':
      return formWords(remedy);
    case 'dashboard':
      return dashboardWords(remedy);
  }
}

/** Alternatives as one sentence: "a", "a, or b", "a, b, or c"; undefined when there are none. */
export function wordRemedies(remedies: readonly Remedy[], frontEnd: FrontEnd): string | undefined {
  const words = remedies.map((remedy) => wordRemedy(remedy, frontEnd));
  if (words.length === 0) return undefined;
  if (words.length === 1) return words[0];
  return `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;
}
