// Pure decoder of a Linux /proc/<pid>/cmdline: the argument strings, each ended by a NUL.
// A process that rewrote its title (node's process.title, setproctitle) may leave one string
// with spaces and no NUL after it, or padding NULs after the last argument.

/** The argv words; empty when the buffer holds none (a kernel thread, a zombie). */
export function decodeCmdline(bytes: Buffer): string[] {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return [];
  return bytes.toString('utf8', 0, end).split('\0');
}
