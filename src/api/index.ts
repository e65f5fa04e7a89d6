// The package's public API, and all of it (docs/api.md lists it and what semver covers): the
// one-line calls, the read side, and the error type. The store, the parsers and the scanners
// stay internal, free to change.

export {
  type ErrorCode,
  isPmError,
  PmError,
  type ProjectCommand,
  type Remedy,
} from '../core/errors.js';
export { type EnvOptions, env, type PortEnv, type PortOptions, port, url } from './shortcuts.js';
export {
  type PortListener,
  type ProjectStatus,
  query,
  type ServiceState,
  type ServiceStatus,
  type StatusOptions,
  status,
} from './status.js';
