#!/usr/bin/env node
import { runAsProcess } from './cli/main.js';

await runAsProcess();
