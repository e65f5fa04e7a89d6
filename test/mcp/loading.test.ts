// `pm mcp` loads its own bundle and no dashboard (Ink, React), and no other command loads the
// MCP server or its SDK. pm's bundles are read through fs (its code cache loader), so a
// preload that records which files under dist/ are read tells what each run loaded.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { CLI, homeEnv } from '../helpers/cli.js';
import { INITIALIZE } from '../helpers/mcp.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-mcp-loading-');
const DIST = dirname(CLI);

const RECORDER = `
const fs = require('node:fs');
const read = fs.readFileSync;
const seen = new Set();
fs.readFileSync = function (file, ...rest) {
  if (typeof file === 'string' && file.startsWith(${JSON.stringify(DIST)})) seen.add(file);
  return read.call(this, file, ...rest);
};
process.on('exit', () => fs.writeSync(2, 'PM_LOADED=' + JSON.stringify([...seen]) + '\\n'));
`;

function loadedBy(args: readonly string[], input?: string): string[] {
  const dir = tempDir();
  const recorder = join(dir, 'record.cjs');
  writeFileSync(recorder, RECORDER);
  const run = spawnSync(process.execPath, ['--require', recorder, CLI, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    env: { PATH: process.env.PATH, ...homeEnv(dir), PM_REGISTRY: join(dir, 'registry.toml') },
    timeout: 20_000,
  });
  const line = /PM_LOADED=(.*)/.exec(run.stderr)?.[1];
  expect(line, run.stderr).toBeDefined();
  return (JSON.parse(line as string) as string[]).map((file) => basename(file));
}

it('pm mcp loads the server bundle and no dashboard; other commands never load it', () => {
  const mcp = loadedBy(['mcp'], `${JSON.stringify(INITIALIZE)}\n`);
  expect(mcp).toContain('server.js');
  expect(mcp.filter((file) => /render-app|run-dashboard/.test(file))).toEqual([]);
  const server = readFileSync(join(DIST, 'cli', 'server.js'), 'utf8');
  expect(server).not.toContain('react.transitional.element');
  expect(server).not.toMatch(/\bink\b.*render/);
  for (const args of [['query', ':1'], ['allocate', 'shop', 'web'], ['status']]) {
    expect(loadedBy(args)).not.toContain('server.js');
  }
});
