// Runs a WASI 0.3 command component transpiled by `jco transpile` on
// Node with JSPI, through its `wasi:cli/run@0.3.0` export (`jco run`
// calls the WASI 0.2 entry point, `run`, instead):
//
//   node --experimental-wasm-jspi run.mjs OUT/NAME.js [--dir HOST::GUEST]... [-- ARGS...]
//
// Environment variables pass through (the shim's default). Used by
// scripts/hosts.sh, which copies it next to the jco install so the shim
// resolves.
import { _setArgs } from '@bytecodealliance/preview3-shim/cli';
import { _addPreopen } from '@bytecodealliance/preview3-shim/filesystem';
import { pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const file = argv.shift();
const args = [];
while (argv.length) {
  const a = argv.shift();
  if (a === '--dir') {
    const [host, guest] = argv.shift().split('::');
    _addPreopen(guest, host);
  } else if (a === '--') {
    args.push(...argv.splice(0));
  } else {
    args.push(a);
  }
}
_setArgs([file, ...args]);
const component = await import(pathToFileURL(file).href);
try {
  await component['wasi:cli/run@0.3.0'].run();
  // Let the shim's stdout drain.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.exit(0);
} catch (e) {
  console.error('error:', e);
  process.exit(1);
}
