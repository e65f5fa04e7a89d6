// Command lines of the processes behind the listeners shown, read once per process. A pid
// with the same start time is the same process, and a process's argv is fixed at exec
// (setproctitle aside, which pm accepts as stale), so a refresh that finds the same
// listeners reads nothing new. Entries for processes no longer asked about are dropped at
// the end of each scan.

/** Reads a process's argv, or undefined when the OS will not say (another user, exited). */
export type CommandReader = (pid: number) => readonly string[] | undefined;

interface Entry {
  readonly startTime: string;
  readonly command: readonly string[] | undefined;
  lastScan: number;
}

export class CommandLineCache {
  private readonly entries = new Map<number, Entry>();
  private scan = 0;

  constructor(private readonly read: CommandReader) {}

  /** Starts a scan: entries not asked for until the next `endScan` are dropped then. */
  beginScan(): void {
    this.scan++;
  }

  /** The argv of `pid`, read only if this pid + start time was not seen before. */
  get(pid: number, startTime: string): readonly string[] | undefined {
    const known = this.entries.get(pid);
    if (known && known.startTime === startTime) {
      known.lastScan = this.scan;
      return known.command;
    }
    const command = this.read(pid);
    // An empty argv (kernel thread, zombie) says nothing; keep it as unknown.
    const useful = command && command.length > 0 ? command : undefined;
    this.entries.set(pid, { startTime, command: useful, lastScan: this.scan });
    return useful;
  }

  endScan(): void {
    for (const [pid, entry] of this.entries) {
      if (entry.lastScan !== this.scan) this.entries.delete(pid);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
