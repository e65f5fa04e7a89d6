// A TOML error quotes the lines around the mistake: the CLI, doctor and the dashboard print
// them as real lines (not a literal "\n"), each sanitized (the file may hold escapes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/core/project/manifest.js';
import { messageOf } from '../../src/dashboard/model/messages.js';
import { messageLines } from '../../src/dashboard/ui/message-text.js';
import { runMain } from '../helpers/main.js';
import { tempDirPerTest } from '../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-frame-');
const BROKEN = 'version = 1\nfoo bar\u001b[31m = 2\n';

function brokenRegistry(): string {
  const path = join(tempDir(), 'registry.toml');
  writeFileSync(path, BROKEN);
  return path;
}

describe('a TOML code frame', () => {
  it('is real lines on the CLI, sanitized, and exact in JSON', async () => {
    const path = brokenRegistry();
    const { stderr, code } = await runMain(['--registry', path, 'status']);
    expect(code).toBe(1);
    expect(stderr).not.toContain('\\n');
    const lines = stderr.split('\n');
    expect(lines[0]).toMatch(/^pm: registry .*:2:5 is invalid: illegal character in key$/);
    expect(lines).toContain('  1:  version = 1');
    expect(lines).toContain('  2:  foo bar\\x1b[31m = 2');
    expect(lines.some((line) => line.startsWith('hint: '))).toBe(true);
    const json = await runMain(['--registry', path, 'status', '--json']);
    expect(JSON.parse(json.stderr).error.message).toContain('\n2:  foo bar\u001b[31m = 2');
  });

  it('is real lines in pm doctor', async () => {
    const { stdout } = await runMain(['--registry', brokenRegistry(), 'doctor']);
    expect(stdout).not.toContain('\\n');
    expect(stdout).toMatch(/\n {16}1: {2}version = 1\n/);
    expect(stdout).toContain('2:  foo bar\\x1b[31m = 2');
  });

  it("is real lines in the dashboard's message, for a manifest too", () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.pm.toml'), '[services.web\nenv = "PORT"\n');
    let error: unknown;
    try {
      loadManifest(dir);
    } catch (caught) {
      error = caught;
    }
    const { text } = messageLines(messageOf(error), 80, Number.POSITIVE_INFINITY);
    expect(text.join('\n')).not.toContain('\\n');
    expect(text).toContain('  1:  [services.web');
  });
});
