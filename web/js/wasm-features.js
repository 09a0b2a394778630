// wasm-features.js: picks the WebAssembly build of the core that this engine
// can run. The SIMD build (createMinirecCoreSimd, compiled with -msimd128) is
// used only when the engine validates 128-bit SIMD code.

// A minimal module whose one function returns a v128.const: type () -> v128,
// one function, one body (no locals, v128.const of 16 zero bytes, end).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: func () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, // code section: v128.const
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x0b, // end
]);

/** Returns true when this engine accepts WebAssembly 128-bit SIMD instructions. */
export function supportsWasmSimd() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * Returns { factory, name } for the best core among the given factories
 * (either may be undefined): the SIMD build when it exists and the engine
 * supports SIMD, otherwise the plain build, or null when neither exists.
 */
export function chooseCoreFactory({ plain, simd }) {
  if (typeof simd === 'function' && supportsWasmSimd()) return { factory: simd, name: 'SIMD build' };
  if (typeof plain === 'function') return { factory: plain, name: 'plain build' };
  return null;
}
