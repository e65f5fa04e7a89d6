// Everything pm reads natively on Linux, as one module: the socket scanner and the process
// inspector share their decoders, so they load together (one lazy bundle of the CLI,
// scripts/build-cli.mjs; one chunk of the API) and each decoder exists once.

export { createLinuxInspector } from './inspector.js';
export { createLinuxScanner } from './scanner.js';
