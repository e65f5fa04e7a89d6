// Every process holding a socket. The owner resolver stops at the first process it finds for
// a socket, which is all a table row needs; a socket inherited across fork (a pre-forking
// server: the parent and its workers all hold the listening socket) has several, and
// `pm kill` must stop every one of them or the port stays taken. This walks every process's
// open files once, so only single-port commands ask for it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function socketHolders(
  inodes: ReadonlySet<number>,
  procRoot = '/proc',
): Map<number, number[]> {
  const wanted = new Map<string, number>();
  for (const inode of inodes) wanted.set(`socket:[${inode}]`, inode);
  const found = new Map<number, number[]>();
  if (wanted.size === 0) return found;
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return found;
  }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${name}/fd`);
    } catch {
      continue; // gone, or another user's without the right to look
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procRoot}/${name}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = wanted.get(link);
      if (inode === undefined) continue;
      const list = found.get(inode) ?? [];
      if (!list.includes(pid)) list.push(pid);
      found.set(inode, list);
    }
  }
  return found;
}

/** /proc/<pid>/comm: the kernel's short name of a holder found here. */
export function commOf(pid: number, procRoot = '/proc'): string | undefined {
  try {
    return readFileSync(`${procRoot}/${pid}/comm`, 'utf8').trimEnd() || undefined;
  } catch {
    return undefined;
  }
}
