// vitest globalSetup: the user's real registry (at pm's default location for whoever runs the
// suite) must be byte-for-byte and mtime-for-mtime what it was before the run. Backs up the
// per-spawn refusal in cli.ts for anything that spawns pm some other way.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { REAL_DEFAULT_REGISTRY } from './cli.js';

function fingerprint(): string {
  if (!existsSync(REAL_DEFAULT_REGISTRY)) return 'absent';
  const digest = createHash('sha256').update(readFileSync(REAL_DEFAULT_REGISTRY)).digest('hex');
  return `${digest} ${statSync(REAL_DEFAULT_REGISTRY).mtimeMs}`;
}

export default function setup(): () => void {
  const before = fingerprint();
  return () => {
    const after = fingerprint();
    if (after !== before) {
      throw new Error(
        `the test run changed the real registry ${REAL_DEFAULT_REGISTRY} (${before} -> ${after}): some test spawned pm without a private registry`,
      );
    }
  };
}
