// Shell completions, tried in the real shells: bash always (it is everywhere pm runs), zsh and
// fish where installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest();
const REGISTRY = `version = 1
[defaults]
range_start = 3000
range_end = 9999
[projects.shop.ports]
web = 3000
api = 3001
[projects.blog.ports]
db = 3002
`;

const installed = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  writeFileSync(join(dir, 'registry.toml'), REGISTRY);
  writeFileSync(join(dir, 'other.toml'), REGISTRY.replace('shop', 'other'));
  // `pm` on PATH, as after `npm link`.
  writeFileSync(join(dir, 'pm'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(dir, 'pm'), 0o755);
  env = {
    PATH: `${dir}:${process.env.PATH}`,
    HOME: dir,
    PM_REGISTRY: join(dir, 'registry.toml'),
  };
});

/** What bash offers after typing `line` and pressing Tab (in `cwd`, default the temp dir). */
function bashComplete(line: string, cwd = dir): string[] {
  const script = execFileSync('pm', ['completion', 'bash'], { env, encoding: 'utf8' });
  const words = line.split(' ');
  const program = `${script}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_pm_completion
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '-c', program], { env, encoding: 'utf8', cwd })
    .split('\n')
    .filter(Boolean)
    .sort();
}

describe('pm completion bash', () => {
  it('completes commands, flags of the command, projects and services', () => {
    expect(bashComplete('pm al')).toEqual(['allocate']);
    expect(bashComplete('pm allocate ')).toEqual(['blog', 'shop']);
    expect(bashComplete('pm allocate shop ')).toEqual(['api', 'web']);
    expect(bashComplete('pm free shop w')).toEqual(['web']);
    expect(bashComplete('pm wait shop ')).toEqual(['api', 'web']);
    expect(bashComplete('pm wait shop --h')).toEqual(['--help', '--http']);
    expect(bashComplete('pm allocate shop --p')).toEqual(['--path', '--port', '--prefer']);
    expect(bashComplete('pm status --')).not.toContain('--port');
    expect(bashComplete('pm completion ')).toEqual(['bash', 'fish', 'zsh']);
  });

  it('completes every command and flag value from the command table', () => {
    for (const command of ['kill', 'run', 'free', 'query', 'allocate']) {
      expect(bashComplete(`pm ${command} `), command).toEqual(['blog', 'shop']);
      expect(bashComplete(`pm ${command} shop `), command).toEqual(['api', 'web']);
    }
    expect(bashComplete('pm env ')).toEqual(['blog', 'shop']);
    expect(bashComplete('pm env shop ')).toEqual([]);
    expect(bashComplete('pm env --format ')).toEqual(['dotenv', 'json', 'shell']);
    expect(bashComplete('pm kill shop web --signal ')).toContain('TERM');
    expect(bashComplete('pm help ')).toContain('kill');
    expect(bashComplete('pm kill --')).toContain('--dry-run');
  });

  it('offers the services of the project the directory belongs to', () => {
    const project = join(dir, 'shop-src');
    mkdirSync(project);
    writeFileSync(
      join(dir, 'registry.toml'),
      REGISTRY.replace(
        '[projects.shop.ports]',
        `[projects.shop]\npath = "${project}"\n[projects.shop.ports]`,
      ),
    );
    expect(bashComplete('pm free ', project)).toEqual(['api', 'blog', 'shop', 'web']);
    expect(bashComplete('pm kill ', project)).toEqual(['api', 'blog', 'shop', 'web']);
    expect(bashComplete('pm env ', project)).toEqual(['blog', 'shop']);
  });

  it('reads the names from the registry the command line names', () => {
    expect(bashComplete(`pm --registry ${join(dir, 'other.toml')} query `)).toEqual([
      'blog',
      'other',
    ]);
    expect(bashComplete('pm --registry ~/other.toml free ')).toEqual(['blog', 'other']);
    expect(bashComplete('pm allocate shop --port ')).toEqual([]);
  });
});

describe.skipIf(!installed('fish'))('pm completion fish', () => {
  it('completes projects and services in fish', () => {
    const script = join(dir, 'pm.fish');
    writeFileSync(script, execFileSync('pm', ['completion', 'fish'], { env, encoding: 'utf8' }));
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source ${script}; complete -C '${line}'`], {
        env,
        encoding: 'utf8',
      })
        .split('\n')
        .map((candidate) => candidate.split('\t')[0])
        .filter(Boolean)
        .sort();
    expect(complete('pm allocate ')).toEqual(['blog', 'shop']);
    expect(complete('pm allocate shop ')).toEqual(['api', 'web']);
    expect(complete('pm allocate shop --pr')).toEqual(['--prefer']);
    expect(complete('pm --registry ~/other.toml query ')).toEqual(['blog', 'other']);
  });
});

describe.skipIf(!installed('zsh'))('pm completion zsh', () => {
  it('loads in zsh and defines the completion', () => {
    const script = join(dir, '_pm');
    writeFileSync(script, execFileSync('pm', ['completion', 'zsh'], { env, encoding: 'utf8' }));
    const out = execFileSync(
      'zsh',
      ['-f', '-c', `autoload -U compinit && compinit -u; source ${script}; echo $_comps[pm]`],
      { env, encoding: 'utf8' },
    );
    expect(out.trim()).not.toBe('');
  });
});

describe('names for the scripts', () => {
  it('lists projects, then one project’s services, and stays quiet on a broken registry', async () => {
    const registry = join(dir, 'registry.toml');
    expect((await runMain(['--registry', registry, 'completion', 'names'])).stdout).toBe(
      'blog\nshop\n',
    );
    expect((await runMain(['--registry', registry, 'completion', 'names', 'shop'])).stdout).toBe(
      'api\nweb\n',
    );
    writeFileSync(registry, 'version = [');
    expect(await runMain(['--registry', registry, 'completion', 'names'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('loads neither the dashboard (Ink, React) nor koffi', () => {
    const log = join(dir, 'imports.log');
    writeFileSync(log, '');
    execFileSync(
      process.execPath,
      [
        '--import',
        join(import.meta.dirname, 'helpers/log-imports.mjs'),
        CLI,
        'completion',
        'names',
      ],
      { env: { ...env, PM_IMPORT_LOG: log }, encoding: 'utf8' },
    );
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'));
    expect(loaded.some((url) => url.endsWith('dist/cli.js'))).toBe(true);
    // The scripting bundle is seen, so the log holds what require() loaded.
    expect(loaded.some((url) => url.endsWith('dist/cli/main.js'))).toBe(true);
    // The bundle holds every scripting path; the dashboard's module and koffi load apart.
    expect(loaded.filter((url) => /dashboard|[\\/]koffi[\\/]|koffi-/.test(url))).toEqual([]);
    // And nothing loaded holds Ink's input hook, whatever the files' names.
    for (const url of loaded) {
      expect(readFileSync(fileURLToPath(url), 'utf8'), url).not.toContain('useInput');
    }
  });

  it('refuses an unknown shell with the usage', async () => {
    const result = await runMain(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: pm completion bash|zsh|fish');
  });
});
