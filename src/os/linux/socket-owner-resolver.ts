// Which process owns a socket. Linux keeps no socket -> pid index: the only way (what
// `ss -p` does) is to read every /proc/<pid>/fd/* link and look for 'socket:[<inode>]'.
// That walk is the whole cost of a scan, so it is done only for sockets not seen before:
// an attributed socket keeps its owner for as long as that process is alive (same pid and
// same start time, which tells a reused pid apart). Between processes, an OwnerMemory (the
// owner cache file) remembers where each owner was found, so the next pm process confirms
// each one with a single readlink and walks only for sockets still unknown.

import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { isRenamedMainThread, parseStatFields, processNameOf } from './decode/procfs-process.js';
import {
  MAX_REMEMBERED_OWNERS,
  type OwnerMemory,
  type RememberedOwner,
  UNRESOLVED_TTL_MS,
} from './owner-cache-file.js';

export interface SocketOwner {
  readonly pid: number;
  /** The kernel's short command name (/proc/<pid>/comm, at most 15 bytes). */
  readonly process: string;
  /** /proc/<pid>/stat field 22: with the pid, names this process and no later one. */
  readonly startTime: string;
}

/** What the resolver needs to know about a socket. */
export interface SocketIdentity {
  readonly inode: number;
  readonly uid: number;
}

export interface SocketOwnerResolverOptions {
  /** Where procfs is mounted; tests point it at a fake tree. */
  readonly procRoot?: string;
  /** Whether every process's fd table is readable (root). Defaults to euid 0. */
  readonly privileged?: boolean;
  /** Effective uid of this process. Defaults to process.geteuid(). */
  readonly uid?: number;
  /** Owners remembered by earlier processes; read on the first resolve, written on change. */
  readonly memory?: OwnerMemory;
  /** Clock for the age of remembered walks. */
  readonly now?: () => number;
}

interface SeenProcess {
  /** /proc/<pid>/stat field 22: distinguishes a reused pid from the process we saw. */
  readonly startTime: string;
  readonly owner: SocketOwner;
  /** Scan in which the identity was last read; undefined owner means the pid is gone. */
  checkedInScan: number;
  alive: boolean;
}

interface CachedOwner {
  readonly pid: number;
  readonly fd: number;
  readonly startTime: string;
  seenInScan: number;
}

export class SocketOwnerResolver {
  private readonly procRoot: string;
  private readonly privileged: boolean;
  private readonly uid: number;
  private scanNumber = 0;
  private readonly ownerByInode = new Map<number, CachedOwner>();
  /** Sockets a complete walk did not find (kernel sockets, fd passing in flight), by last scan seen. */
  private readonly unresolvedInodes = new Map<number, number>();
  private readonly processes = new Map<number, SeenProcess>();
  /** Pids present at the last walk: only newer ones can hold a socket that walk missed. */
  private pidsAtLastWalk = new Set<number>();
  private readonly statBuffer = Buffer.allocUnsafe(4096);
  private readonly memory: OwnerMemory | undefined;
  private readonly now: () => number;
  /** Owners an earlier process remembered and this one has not needed yet, by inode. */
  private remembered: Map<number, RememberedOwner> | undefined;
  /** Date.now() of the walk that left `unresolvedInodes` unfound. */
  private lastWalkAt = 0;
  /** Whether what the memory holds differs from what this resolver knows. */
  private memoryStale = false;
  private walkCount = 0;

  constructor(options: SocketOwnerResolverOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.uid = options.uid ?? process.geteuid?.() ?? -1;
    this.privileged = options.privileged ?? this.uid === 0;
    this.memory = options.memory;
    this.now = options.now ?? Date.now;
  }

  /** How many times /proc was walked for owners (for tests and benchmarks). */
  get walks(): number {
    return this.walkCount;
  }

  /** Whether sockets of other users' processes can be attributed. */
  get seesOtherUsers(): boolean {
    return this.privileged;
  }

  /**
   * Owners of the given sockets, by inode; sockets whose owner cannot be seen are absent.
   * `present` lists every socket that exists now (default: `sockets`); remembered owners of
   * present sockets that were not asked for are kept for a later process.
   */
  resolve(
    sockets: readonly SocketIdentity[],
    present?: readonly SocketIdentity[],
  ): ReadonlyMap<number, SocketOwner> {
    const scan = ++this.scanNumber;
    const owners = new Map<number, SocketOwner>();
    // Keyed by the exact link text so the fd walk needs no parsing: one map lookup per fd.
    const fresh = new Map<string, number>();
    const retry = new Map<string, number>();
    for (const socket of sockets) {
      const inode = socket.inode;
      if (inode === 0 || owners.has(inode)) continue;
      const cached = this.ownerByInode.get(inode);
      if (cached) {
        const identity = this.identityOf(cached.pid, scan);
        if (identity && identity.startTime === cached.startTime) {
          cached.seenInScan = scan;
          owners.set(inode, identity.owner);
          continue;
        }
        this.ownerByInode.delete(inode);
      }
      // The file is read only once some socket's owner is not known in-process: a scan that
      // needs no owner (pm --once with nothing listening on allocated ports) never opens it.
      if (this.remembered === undefined) this.recall(scan);
      if (this.confirmRemembered(inode, scan, owners)) continue;
      // Without privileges another user's fd table is unreadable, so searching for their
      // sockets would walk every process for nothing, every scan.
      if (!this.privileged && socket.uid !== this.uid) continue;
      if (this.unresolvedInodes.has(inode)) {
        this.unresolvedInodes.set(inode, scan);
        retry.set(linkText(inode), inode);
      } else {
        fresh.set(linkText(inode), inode);
      }
    }

    if (fresh.size > 0 || retry.size > 0) {
      const pids = this.listPids();
      if (fresh.size > 0) {
        for (const [link, inode] of retry) fresh.set(link, inode);
        // This walk may stop early, so it says nothing about unresolved sockets it was not
        // looking for: their "searched every pid up to then" would no longer hold.
        for (const inode of this.unresolvedInodes.keys()) {
          if (!fresh.has(linkText(inode))) this.unresolvedInodes.delete(inode);
        }
        this.walk(pids, fresh, owners, scan);
        for (const inode of fresh.values()) this.unresolvedInodes.set(inode, scan);
        this.lastWalkAt = this.now();
        this.memoryStale = true;
      } else {
        // Only sockets a complete walk already missed: just look in processes born since.
        const born = pids.filter((pid) => !this.pidsAtLastWalk.has(pid));
        if (born.length > 0) {
          const before = owners.size;
          this.walk(born, retry, owners, scan);
          // The remembered pid list may lag: a later process then looks in a few more
          // processes, which is cheaper than rewriting the file for every process born.
          if (owners.size > before) this.memoryStale = true;
        }
      }
      this.pidsAtLastWalk = new Set(pids);
    }

    this.forgetUnseen(scan);
    if (this.memory && this.remembered !== undefined) {
      const presentInodes = new Set<number>();
      for (const socket of present ?? sockets) presentInodes.add(socket.inode);
      this.forgetGone(presentInodes);
      if (this.memoryStale) this.remember(presentInodes);
    }
    return owners;
  }

  /** Drops every cached attribution. */
  clear(): void {
    this.ownerByInode.clear();
    this.unresolvedInodes.clear();
    this.processes.clear();
    this.pidsAtLastWalk = new Set();
    this.remembered = new Map();
  }

  /** Loads what earlier processes knew. Unresolved sockets are believed only for a while. */
  private recall(scan: number): void {
    const memory = this.memory?.load();
    this.remembered = new Map(memory?.owners.map((owner) => [owner.inode, owner]));
    const unresolved = memory?.unresolved;
    const age = unresolved ? this.now() - unresolved.walkedAt : Number.POSITIVE_INFINITY;
    if (unresolved && age >= 0 && age < UNRESOLVED_TTL_MS) {
      for (const inode of unresolved.inodes) this.unresolvedInodes.set(inode, scan);
      this.pidsAtLastWalk = new Set(unresolved.pids);
      this.lastWalkAt = unresolved.walkedAt;
    }
  }

  /**
   * An owner an earlier process remembered, believed only if its fd still links to this
   * socket and the process at that pid is the one seen then (same start time).
   */
  private confirmRemembered(
    inode: number,
    scan: number,
    owners: Map<number, SocketOwner>,
  ): boolean {
    const entry = this.remembered?.get(inode);
    if (!entry) return false;
    this.remembered?.delete(inode);
    let link: string | undefined;
    try {
      link = readlinkSync(`${this.procRoot}/${entry.pid}/fd/${entry.fd}`);
    } catch {
      // closed, or the process is gone
    }
    const identity = link === linkText(inode) ? this.identityOf(entry.pid, scan) : undefined;
    if (!identity || identity.startTime !== entry.startTime) {
      this.memoryStale = true;
      return false;
    }
    owners.set(inode, identity.owner);
    this.ownerByInode.set(inode, {
      pid: entry.pid,
      fd: entry.fd,
      startTime: entry.startTime,
      seenInScan: scan,
    });
    return true;
  }

  /** What is remembered about sockets that no longer exist is not worth keeping. */
  private forgetGone(present: ReadonlySet<number>): void {
    for (const inode of this.remembered?.keys() ?? []) {
      if (present.has(inode)) continue;
      this.remembered?.delete(inode);
      this.memoryStale = true;
    }
    for (const inode of this.unresolvedInodes.keys()) {
      if (present.has(inode)) continue;
      this.unresolvedInodes.delete(inode);
      this.memoryStale = true;
    }
  }

  /**
   * Writes what is known about the sockets present now: owners confirmed or found in this
   * process first, then remembered ones nobody asked about. Sockets that are gone are dropped,
   * so the file holds at most one entry per live socket, and never more than the cap.
   */
  private remember(present: ReadonlySet<number>): void {
    this.memoryStale = false;
    if (!this.memory) return;
    const entries: RememberedOwner[] = [];
    for (const [inode, owner] of this.ownerByInode) {
      if (entries.length >= MAX_REMEMBERED_OWNERS) break;
      entries.push({ inode, pid: owner.pid, fd: owner.fd, startTime: owner.startTime });
    }
    for (const [inode, owner] of this.remembered ?? []) {
      if (entries.length >= MAX_REMEMBERED_OWNERS) break;
      if (!this.ownerByInode.has(inode) && present.has(inode)) entries.push(owner);
    }
    const unresolved = [...this.unresolvedInodes.keys()];
    this.memory.save({
      owners: entries,
      ...(unresolved.length > 0
        ? {
            unresolved: {
              inodes: unresolved,
              pids: [...this.pidsAtLastWalk],
              walkedAt: this.lastWalkAt,
            },
          }
        : {}),
    });
  }

  /**
   * Known owners are read in full first: a process that already serves a port is the
   * likeliest to open another. The rest are read in bands of fd positions (the first 32 fds
   * of every process, then the next 32, 64, 128, ...), highest pid first within a band.
   * Listeners are opened when a server starts, so they sit among a process's first fds while
   * its connections pile up behind them; reading band by band finds every listener without
   * reading the thousands of connection fds of a busy server, then stops. A directory is
   * listed when first visited and only its names are kept, never an open handle.
   */
  private walk(
    pids: readonly number[],
    wanted: Map<string, number>,
    owners: Map<number, SocketOwner>,
    scan: number,
  ): void {
    this.walkCount++;
    const known: number[] = [];
    const others: number[] = [];
    for (const pid of pids) {
      if (this.processes.get(pid)?.alive) known.push(pid);
      else others.push(pid);
    }
    known.sort(descending);
    others.sort(descending);
    this.readFds(known, Number.POSITIVE_INFINITY, wanted, owners, scan);
    this.readFds(others, FIRST_BAND, wanted, owners, scan);
  }

  /**
   * Reads fd links of `pids`, `firstBand` positions per process per round, doubling each
   * round, until every wanted socket is found or every fd was read. Found entries are
   * removed from `wanted`; what remains was not found.
   */
  private readFds(
    pids: readonly number[],
    firstBand: number,
    wanted: Map<string, number>,
    owners: Map<number, SocketOwner>,
    scan: number,
  ): void {
    // undefined: not listed yet; null: done with (read to the end, unreadable, or gone).
    const fdLists: (Int32Array | null | undefined)[] = new Array(pids.length);
    let pending = pids.length;
    let bandStart = 0;
    let bandEnd = firstBand;
    while (pending > 0 && wanted.size > 0) {
      for (let i = 0; i < pids.length; i++) {
        let fds = fdLists[i];
        if (fds === null) continue;
        const pid = pids[i]!;
        const fdDirectory = `${this.procRoot}/${pid}/fd/`;
        if (fds === undefined) {
          try {
            // readdirSync sorts names as strings ('1', '10', '100', '1000', '2'); the bands
            // need them in fd order.
            fds = Int32Array.from(readdirSync(fdDirectory), Number).sort();
            fdLists[i] = fds;
          } catch {
            // EACCES (another user's process), ENOENT/ESRCH (it exited): not ours to know.
            fdLists[i] = null;
            pending--;
            continue;
          }
        }
        const end = Math.min(bandEnd, fds.length);
        let done = false;
        for (let position = bandStart; position < end; position++) {
          let link: string;
          try {
            link = readlinkSync(fdDirectory + fds[position]);
          } catch (error) {
            // A listable but unreadable table (ptrace access denied, e.g. a more privileged
            // process) refuses every fd alike; a single fd closed meanwhile is just skipped.
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
            done = true;
            break;
          }
          const inode = wanted.get(link);
          if (inode === undefined) continue;
          const identity = this.identityOf(pid, scan);
          if (!identity) {
            done = true; // the process is gone, and its fds with it
            break;
          }
          wanted.delete(link);
          owners.set(inode, identity.owner);
          this.ownerByInode.set(inode, {
            pid,
            fd: fds[position]!,
            startTime: identity.startTime,
            seenInScan: scan,
          });
          this.unresolvedInodes.delete(inode);
          if (wanted.size === 0) return;
        }
        if (done || end === fds.length) {
          fdLists[i] = null;
          pending--;
        }
      }
      bandStart = bandEnd;
      bandEnd *= 2;
    }
  }

  private listPids(): number[] {
    let entries: string[];
    try {
      entries = readdirSync(this.procRoot);
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const entry of entries) {
      const first = entry.charCodeAt(0);
      if (first < 0x30 || first > 0x39) continue;
      const pid = Number(entry);
      if (Number.isInteger(pid)) pids.push(pid);
    }
    return pids;
  }

  /** The process now at `pid`, read at most once per scan; undefined if it is gone. */
  private identityOf(pid: number, scan: number): SeenProcess | undefined {
    const known = this.processes.get(pid);
    if (known?.checkedInScan === scan) return known.alive ? known : undefined;
    const stat = this.readStat(pid);
    if (!stat) {
      if (known) {
        known.alive = false;
        known.checkedInScan = scan;
      }
      return undefined;
    }
    // Reuse the owner object while nothing changed, so steady scans allocate nothing here.
    const identity: SeenProcess =
      known && known.startTime === stat.startTime && known.owner.process === stat.name
        ? known
        : {
            startTime: stat.startTime,
            owner: { pid, process: stat.name, startTime: stat.startTime },
            checkedInScan: scan,
            alive: true,
          };
    identity.checkedInScan = scan;
    identity.alive = true;
    this.processes.set(pid, identity);
    return identity;
  }

  private readStat(pid: number): ProcessStat | undefined {
    let fd: number;
    try {
      fd = openSync(`${this.procRoot}/${pid}/stat`, 'r');
    } catch {
      return undefined;
    }
    try {
      const length = readSync(fd, this.statBuffer, 0, this.statBuffer.length, 0);
      const fields = parseStatFields(this.statBuffer.toString('utf8', 0, length));
      if (!fields) return undefined;
      const startTime = String(fields.startTicks);
      if (isRenamedMainThread(fields.name)) {
        return { name: processNameOf(fields.name, this.executable(pid)), startTime };
      }
      return { name: fields.name, startTime };
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  /** /proc/<pid>/exe: readable for our own processes, or as root. */
  private executable(pid: number): string | undefined {
    try {
      return readlinkSync(`${this.procRoot}/${pid}/exe`);
    } catch {
      return undefined;
    }
  }

  private forgetUnseen(scan: number): void {
    for (const [inode, cached] of this.ownerByInode) {
      if (cached.seenInScan !== scan) {
        this.ownerByInode.delete(inode);
        this.memoryStale = true;
      }
    }
    for (const [inode, seenInScan] of this.unresolvedInodes) {
      if (seenInScan !== scan) {
        this.unresolvedInodes.delete(inode);
        this.memoryStale = true;
      }
    }
    for (const [pid, identity] of this.processes) {
      if (identity.checkedInScan !== scan) this.processes.delete(pid);
    }
  }
}

function linkText(inode: number): string {
  return `socket:[${inode}]`;
}

/** fd positions read per process in the first round of a walk; each round doubles it. */
const FIRST_BAND = 32;

function descending(a: number, b: number): number {
  return b - a;
}

interface ProcessStat {
  readonly name: string;
  readonly startTime: string;
}
