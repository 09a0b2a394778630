// core-wasm.js: turns the core builds that the page embeds into emscripten
// factories. tools/build-web.mjs stores each build's .wasm deflated and
// base64-encoded, with the name of the glue factory that runs it. The factory
// made here inflates the bytes and hands them to the glue as Module.wasmBinary.

import { inflateRawBytes } from './inflate.js';

/** Decodes base64 text into bytes. */
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Returns a factory (moduleOptions) -> Promise<Module> that runs the
 * emscripten factory `glue` on the bytes of `build` ({ wasm, size }: the
 * deflated .wasm in base64 and its inflated size). The factory rejects when
 * the bytes do not inflate, or inflate to another size than the build recorded.
 */
export function embeddedCoreFactory(glue, build) {
  return async (moduleOptions = {}) => {
    const binary = await inflateRawBytes(decodeBase64(build.wasm));
    if (binary.length !== build.size) {
      throw new Error(`the embedded WebAssembly core inflates to ${binary.length} bytes, not ${build.size}; rebuild the page (tools/build.sh)`);
    }
    return glue({ ...moduleOptions, wasmBinary: binary });
  };
}

/**
 * Returns the factories ({ plain, simd }) of the embedded builds whose glue
 * factory `scope` defines under the name the build gives (factoryName).
 */
export function embeddedCoreFactories(scope, builds) {
  const factories = {};
  for (const [name, build] of Object.entries(builds)) {
    const glue = scope[build.factoryName];
    if (typeof glue === 'function') factories[name] = embeddedCoreFactory(glue, build);
  }
  return factories;
}
