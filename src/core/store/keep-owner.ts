// pm run as root in another user's files (sudo keeping HOME, a root shell in a user's
// checkout) must not hand them to root: the user would be locked out of their own registry
// or .env. A replacement gets the owner of the file it replaces, or of the directory a new
// file goes into.

export interface FileOwner {
  readonly uid: number;
  readonly gid?: number | undefined;
}

/** The uid/gid to give a replacement for `existing` (file, else its directory); undefined: none. */
export function ownerToKeep(
  existing: FileOwner | undefined,
  uid: number | undefined = process.getuid?.(),
): { uid: number; gid: number } | undefined {
  if (uid !== 0 || existing === undefined || existing.uid === 0) return undefined;
  return { uid: existing.uid, gid: existing.gid ?? existing.uid };
}
