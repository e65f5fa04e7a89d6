// A second local user for the ownership tests: created with useradd when the tests run as
// root (here and in CI), else the tests that need one are skipped with the reason.
import { execFileSync } from 'node:child_process';

export const OTHER_USER = 'pm-sec-other';

export interface OtherUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, OTHER_USER], { encoding: 'utf8' }).trim());
}

function create(): OtherUser | string {
  if (process.platform === 'win32') return 'Windows has no uid ownership';
  if (process.getuid?.() !== 0) return 'creating a second user needs root';
  try {
    idOf('-u');
  } catch {
    try {
      // Two test files may race to create it: the loser's "already exists" is fine.
      execFileSync(
        'useradd',
        ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      // checked below
    }
  }
  try {
    return { name: OTHER_USER, uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    return 'useradd is not available or failed';
  }
}

const made = create();

/** The other user, or undefined (then `skipReason` says why). */
export const otherUser: OtherUser | undefined = typeof made === 'string' ? undefined : made;
export const skipReason: string = typeof made === 'string' ? made : '';
