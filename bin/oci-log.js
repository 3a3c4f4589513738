#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// The pipe makes a few short-lived strings per line and keeps little: left to
// grow, V8's young generation reaches its full size and peak RSS passes 100 MB
// at a million lines; kept at its first size, it stays under 80 MB for the
// same CPU. (A process setting, so the CLI sets it, never the library.)
setFlagsFromString('--semi-space-growth-factor=1');

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
