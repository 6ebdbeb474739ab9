// `jco run --jco-import preopen-p2.mjs`: grants a WASI 0.2 component the
// directory $WORK_DIR as /work (`jco run` grants none by default; this is
// its documented hook for environment set-up). The preview2 shim is
// resolved from jco's own package ($JCO_PACKAGE_JSON), the copy the
// transpiled component imports. Used by scripts/hosts.sh.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const jco = createRequire(process.env.JCO_PACKAGE_JSON);
const fs = await import(pathToFileURL(jco.resolve('@bytecodealliance/preview2-shim/filesystem')).href);
fs._addPreopen('/work', process.env.WORK_DIR);
