import { describe, expect, it } from 'vitest';
import { PmError, type Remedy, type RemedyKind } from '../../src/core/errors.js';
import { errorJson, errorLines, formatError } from '../../src/view/errors.js';
import { type FrontEnd, REMEDY_KINDS, wordRemedies, wordRemedy } from '../../src/view/remedies.js';

/** One of each kind; the type makes a new kind without a sample a compile error. */
const SAMPLES: { readonly [K in RemedyKind]: Extract<Remedy, { kind: K }> } = {
  help: { kind: 'help' },
  suggest: { kind: 'suggest' },
  force: { kind: 'force' },
  'stop-listener': { kind: 'stop-listener' },
  'free-service-first': { kind: 'free-service-first', project: 'shop', service: 'web', port: 3005 },
  'free-port-first': { kind: 'free-port-first', port: 3005 },
  'free-ports': { kind: 'free-ports' },
  'widen-range': { kind: 'widen-range', range: { start: 3000, end: 5000 } },
  'list-allocations': { kind: 'list-allocations' },
  'list-project': { kind: 'list-project', project: 'shop' },
  allocate: { kind: 'allocate', project: 'shop', service: 'web' },
  'name-project': { kind: 'name-project' },
  'declare-manifest': { kind: 'declare-manifest' },
  'exact-or-prefer': { kind: 'exact-or-prefer' },
  'name-rule': { kind: 'name-rule' },
  'restore-backup': { kind: 'restore-backup' },
  doctor: { kind: 'doctor' },
  'other-registry': { kind: 'other-registry' },
  text: { kind: 'text', text: 'check the permissions of /tmp/x' },
};

const FRONT_ENDS: readonly FrontEnd[] = ['cli', 'dashboard', 'form', 'mcp'];
/** The MCP server's tools (src/mcp/tools.ts): what an agent can call instead of a command. */
const TOOL_WORDS = /\b(call (port|free|status|kill)|kill|tools\/list|pass (port|project))\b/;
/** No key does these: the dashboard says which command does. */
const COMMAND_LINE_ONLY: ReadonlySet<RemedyKind> = new Set([
  'force',
  'restore-backup',
  'doctor',
  'other-registry',
  'widen-range',
]);

describe('remedies in each front end', () => {
  it('lists every kind once', () => {
    expect([...REMEDY_KINDS].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const kind of REMEDY_KINDS) {
    for (const frontEnd of FRONT_ENDS) {
      it(`words ${kind} for the ${frontEnd}`, () => {
        const words = wordRemedy(SAMPLES[kind], frontEnd);
        expect(words.trim().length).toBeGreaterThan(5);
        if ((frontEnd === 'dashboard' || frontEnd === 'form') && !COMMAND_LINE_ONLY.has(kind)) {
          // The dashboard's user has keys, not flags.
          expect(words).not.toMatch(/ --[a-z]/);
        }
        if (frontEnd === 'cli') expect(words).not.toMatch(/\bpress\b/);
        if (frontEnd === 'form') {
          // A table key typed in the open form goes into its field: Esc comes first.
          const key = /\bpress (?!Esc\b|Enter\b)/.exec(words);
          if (key) expect(words.slice(0, key.index)).toContain('press Esc');
        }
        if (frontEnd === 'mcp') {
          // An agent has tools, not keys or flags; what only a person can do says so.
          expect(words).not.toMatch(/\bpress\b/);
          if (/ --[a-z]|'pm /.test(words)) expect(words).toMatch(/\b(ask )?the user\b/);
          if (!COMMAND_LINE_ONLY.has(kind) && kind !== 'name-rule' && kind !== 'text') {
            expect(words).toMatch(TOOL_WORDS);
          }
        }
      });
    }
  }

  it('tells the CLI user the command and the dashboard user the key', () => {
    const remedies: Remedy[] = [{ kind: 'stop-listener' }, { kind: 'suggest' }, { kind: 'force' }];
    expect(wordRemedies(remedies, 'cli')).toBe(
      "stop that process, pick another port with 'pm suggest', or pass --force to record it anyway",
    );
    const dashboard = wordRemedies(remedies, 'dashboard') ?? '';
    expect(dashboard).toContain('press s');
    expect(dashboard).not.toContain('pass --force');
    expect(wordRemedies([], 'cli')).toBeUndefined();
  });

  it('tells an agent which tool to call, with its arguments', () => {
    const remedies: Remedy[] = [{ kind: 'stop-listener' }, { kind: 'suggest' }, { kind: 'force' }];
    expect(wordRemedies(remedies, 'mcp')).toBe(
      'stop that process if it is yours (kill, with confirm: true), or use another port, call port without a port argument to have a free one picked, or only the user can record a port that is in use (pm allocate --port N --force)',
    );
    expect(wordRemedy({ kind: 'allocate', project: 'shop', service: 'web' }, 'mcp')).toBe(
      'call port with project "shop" and service "web"',
    );
  });
});

describe('errors as shown', () => {
  const error = new PmError('PORT_IN_USE', 'port 3005 is in use by pid 7 (\u001b[31mev)', [
    { kind: 'suggest' },
  ]);

  it('sanitizes the message for the terminal, in either front end', () => {
    for (const frontEnd of FRONT_ENDS) {
      expect(formatError(error, frontEnd).message).toBe(
        'port 3005 is in use by pid 7 (\\x1b[31mev)',
      );
    }
    expect(errorLines(error)).toEqual([
      'pm: port 3005 is in use by pid 7 (\\x1b[31mev)',
      "hint: pick another port with 'pm suggest'",
    ]);
    expect(formatError(error, 'dashboard').hint).toBe('press s for a free port');
    expect(formatError(error, 'form').hint).toBe('clear the port to get a free one');
  });

  it('keeps the exact message in JSON, with the hint in the CLI words', () => {
    expect(errorJson(error)).toEqual({
      code: 'PORT_IN_USE',
      message: 'port 3005 is in use by pid 7 (\u001b[31mev)',
      hint: "pick another port with 'pm suggest'",
    });
    expect(errorJson(new PmError('IO', 'x'))).toEqual({ code: 'IO', message: 'x' });
  });

  it('takes neutral prose as a text remedy, the same in both front ends', () => {
    const prose = new PmError(
      'IO',
      'could not write',
      'the disk is full; free some space and retry',
    );
    expect(prose.remedies).toEqual([
      { kind: 'text', text: 'the disk is full; free some space and retry' },
    ]);
    expect(formatError(prose, 'dashboard').hint).toBe(formatError(prose, 'cli').hint);
  });
});
