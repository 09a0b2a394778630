// core-files.mjs: loads a WebAssembly build of the core from build/wasm (or
// MINIREC_WASM_DIR) in Node. Each build is a glue script and a .wasm beside
// it. The glue of emscripten 3.1.6 would load the .wasm with Node 20's fetch(),
// which rejects a file path, so the bytes are read here and passed as
// Module.wasmBinary.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folder of the core builds. */
export const wasmDir = process.env.MINIREC_WASM_DIR ? path.resolve(process.env.MINIREC_WASM_DIR) : path.join(repoRoot, 'build', 'wasm');

/**
 * Returns the factory (moduleOptions) -> Promise<Module> of the build whose
 * glue script is `file` (a name in wasmDir or a path). Throws when the glue
 * or its .wasm is missing.
 */
export function loadCoreFactory(file) {
  const gluePath = path.resolve(wasmDir, file);
  const wasmPath = gluePath.replace(/\.js$/, '.wasm');
  for (const needed of [gluePath, wasmPath]) {
    if (!existsSync(needed)) throw new Error(`${needed} not found; build the WebAssembly core first (tools/build.sh)`);
  }
  const glue = require(gluePath);
  const wasmBinary = readFileSync(wasmPath);
  return (moduleOptions = {}) => glue({ ...moduleOptions, wasmBinary });
}
