// pm's internals for its own tests and benchmarks, which run as plain node processes against
// the build (reliability workers, bench/). Built beside the API so both share one set of
// chunks; never shipped (package.json's `files` leaves dist/api/internal.js out) and not part
// of the public API (docs/api.md).

export { inferProject } from '../core/project.js';
export { parseRegistry, serializeRegistry } from '../core/registry-file.js';
export { MAX_REGISTRY_BYTES, RegistryStore } from '../core/store.js';
export { createScanner } from '../native/index.js';
