import { lstatSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEnvFile } from '../../../src/commands/env-write.js';
import { updateFence } from '../../../src/core/model/env-file.js';
import { failure, thrown } from '../../helpers/errors.js';
import { tempDirPerTest } from '../../helpers/tmp.js';

const tempDir = tempDirPerTest('pm-env-');
const BODY = ['API_PORT=4000', 'WEB_PORT=5173'];
const START = '# >>> pm: shop >>>';
const END = '# <<< pm: shop <<<';

describe('the fenced block', () => {
  it('is the whole file when there was none', () => {
    expect(updateFence(undefined, 'shop', BODY, '.env').text).toBe(
      `${START}\nAPI_PORT=4000\nWEB_PORT=5173\n${END}\n`,
    );
  });

  it('is appended after a last line without a newline, with no other byte changed', () => {
    const { text } = updateFence('A=1\n# mine', 'shop', BODY, '.env');
    expect(text).toBe(`A=1\n# mine\n${START}\nAPI_PORT=4000\nWEB_PORT=5173\n${END}\n`);
  });

  it('is replaced in the middle of a CRLF file, keeping CRLF and the lines around it', () => {
    const before = `A=1\r\n${START}\r\nWEB_PORT=1\r\n${END}\r\nB=2\r\n`;
    const { text, changed } = updateFence(before, 'shop', BODY, '.env');
    expect(changed).toBe(true);
    expect(text).toBe(`A=1\r\n${START}\r\nAPI_PORT=4000\r\nWEB_PORT=5173\r\n${END}\r\nB=2\r\n`);
  });

  it('keeps a file that ends with the block without a final newline that way', () => {
    const before = `A=1\n${START}\nWEB_PORT=1\n${END}`;
    expect(updateFence(before, 'shop', BODY, '.env').text).toBe(
      `A=1\n${START}\nAPI_PORT=4000\nWEB_PORT=5173\n${END}`,
    );
  });

  it('reports no change when the block already says the same', () => {
    const first = updateFence('X=1\n', 'shop', BODY, '.env').text;
    expect(updateFence(first, 'shop', BODY, '.env')).toEqual({ text: first, changed: false });
  });

  it("leaves another project's block alone", () => {
    const other = '# >>> pm: blog >>>\nWEB_PORT=3000\n# <<< pm: blog <<<\n';
    const { text } = updateFence(other, 'shop', BODY, '.env');
    expect(text.startsWith(other)).toBe(true);
  });

  it.each([
    [`${START}\nA=1\n`, /never closed/],
    [`A=1\n${END}\n`, /no '# >>> pm: shop >>>' before it/],
    [`${START}\n${END}\n${START}\n${END}\n`, /appears 2 times/],
    [`${END}\n${START}\n`, /comes before/],
  ])('refuses a damaged fence (%j)', (text, problem) => {
    const error = thrown(() => updateFence(text, 'shop', BODY, '.env'));
    expect(error.code).toBe('ENV_FILE_DAMAGED');
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain('.env');
  });
});

describe('writing the env file', () => {
  it('creates the file, then leaves it untouched (same mtime) when nothing changed', async () => {
    const file = join(tempDir(), '.env');
    expect(await writeEnvFile(file, 'shop', BODY)).toBe('created');
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    const mtime = statSync(file).mtimeMs;
    expect(await writeEnvFile(file, 'shop', BODY)).toBe('unchanged');
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(await writeEnvFile(file, 'shop', ['WEB_PORT=1'])).toBe('updated');
    expect(statSync(file).mtimeMs).toBeGreaterThan(mtime);
  });

  it('keeps bytes that are not UTF-8, and the mode of the file', async () => {
    const file = join(tempDir(), '.env');
    const foreign = Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x0a]); // A=<invalid UTF-8>\n
    writeFileSync(file, foreign, { mode: 0o640 });
    await writeEnvFile(file, 'shop', BODY);
    const after = readFileSync(file);
    expect(after.subarray(0, foreign.length).equals(foreign)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('updates the target of a symlink, keeping the link', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'real.env'), 'A=1\n');
    symlinkSync(join(dir, 'real.env'), join(dir, '.env'));
    await writeEnvFile(join(dir, '.env'), 'shop', BODY);
    expect(readFileSync(join(dir, 'real.env'), 'utf8')).toContain('WEB_PORT=5173');
    expect(lstatSync(join(dir, '.env')).isSymbolicLink()).toBe(true);
  });

  it('refuses a damaged file and leaves every byte of it', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, `A=1\n${START}\nWEB_PORT=1\n`);
    const error = await failure(writeEnvFile(file, 'shop', BODY));
    expect(error.code).toBe('ENV_FILE_DAMAGED');
    expect(readFileSync(file, 'utf8')).toBe(`A=1\n${START}\nWEB_PORT=1\n`);
  });
});
