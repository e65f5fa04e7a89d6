// The store takes its lock timings as options (the CLI reads PM_LOCK_* into Settings); the
// workers, like the CLI, honour the variables a test sets.
export function lockFromEnv(env = process.env) {
  const number = (name) => (env[name] ? Number(env[name]) : undefined);
  const staleMs = number('PM_LOCK_STALE_MS');
  const lockTimeoutMs = number('PM_LOCK_TIMEOUT_MS');
  return {
    ...(staleMs !== undefined ? { staleMs } : {}),
    ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
  };
}
