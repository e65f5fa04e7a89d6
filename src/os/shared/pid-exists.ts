// Its own module so the bin can ask without loading the rest of process-identity.ts (the
// caches' temp-file sweep runs in the bin, whose code is compiled on every start).

/** Whether a process with this pid exists (any owner); signal 0 delivers nothing. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
