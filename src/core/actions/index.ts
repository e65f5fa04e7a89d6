// The operations a user can ask for, shared by the CLI, the dashboard and the API. Each takes
// its IO (store, scanner, bind probe, process control) as dependencies (deps.ts), so tests can
// give it fakes. One module per kind of operation under actions/; this is their one entry.

export type { Deps } from '../ports.js';
export {
  type AllocateRequest,
  type AllocateResult,
  allocate,
  isFreeNow,
  suggest,
} from './allocate.js';
export { type ConfigChange, type ConfigView, configure } from './config.js';
export { type FreeTarget, free } from './free.js';
export {
  type PortQuery,
  type ProjectQuery,
  projectPorts,
  queryPort,
  queryProject,
  queryService,
  scannerInfo,
} from './query.js';
export { type StatusView, status, statusView } from './status.js';
