// Serves a WASI 0.3 HTTP component transpiled by `jco transpile` on Node
// with JSPI, through the preview3 shim's `HttpServer` (`jco serve` drives
// only WASI 0.2 `wasi:http/incoming-handler` components):
//
//   node --experimental-wasm-jspi serve.mjs OUT/NAME.js PORT
//
// Listens on 127.0.0.1. jco's export wrapper returns the handler's
// response and throws its error code, while the shim's server expects the
// `result` as `{ tag, val }`, so the handler is adapted here. Used by
// scripts/hosts.sh.
import { HttpServer } from '@bytecodealliance/preview3-shim/http';
import { pathToFileURL } from 'node:url';

const [file, port] = process.argv.slice(2);
const component = await import(pathToFileURL(file).href);
const handler = component['wasi:http/handler@0.3.0'];
const server = new HttpServer({
  handle: async (request) => {
    try {
      return { tag: 'ok', val: await handler.handle(request) };
    } catch (e) {
      return { tag: 'err', val: e.payload ?? { tag: 'internal-error', val: String(e) } };
    }
  },
});
server.on('error', (e) => console.error('server error:', e));
await server.listen(Number(port), '127.0.0.1');
console.log(`listening on 127.0.0.1:${port}`);
