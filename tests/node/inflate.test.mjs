// inflate.test.mjs: tests the plain-JavaScript deflate decoder
// (web/js/inflate.js) against node:zlib's deflateRawSync on varied inputs,
// whole and fed in chunks, and its rejection of corrupt and truncated data.
// Run: node --test tests/node/

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync } from 'node:zlib';

import { Inflater, InflateError, inflateRaw, inflateRawBytes } from '../../web/js/inflate.js';

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

// A small linear congruential generator, so the random inputs are the same on every run.
function randomBytes(n, seed) {
  const bytes = new Uint8Array(n);
  let state = seed >>> 0;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function textBytes(n) {
  const words = ['movie', 'rating', 'user', 'genre', 'Comedy', 'Drama', 'Sci-Fi', '1995', '4.5', 'the', 'of'];
  const random = randomBytes(n, 7);
  let text = '';
  for (let i = 0; text.length < n; i++) text += `${words[random[i % n] % words.length]}${i % 13 === 0 ? '\n' : ','}`;
  return new TextEncoder().encode(text.slice(0, n));
}

// Runs long enough for length 258 matches and distances near 32 KiB.
function longMatchBytes() {
  const block = randomBytes(30000, 3);
  const bytes = new Uint8Array(200000);
  for (let at = 0; at < bytes.length; at += block.length) bytes.set(block.subarray(0, Math.min(block.length, bytes.length - at)), at);
  return bytes;
}

const CASES = [
  { name: 'empty input', data: new Uint8Array(0), options: {} },
  { name: 'one byte', data: Uint8Array.of(65), options: {} },
  { name: 'stored blocks (level 0)', data: randomBytes(150000, 1), options: { level: 0 } },
  { name: 'fixed Huffman codes', data: new TextEncoder().encode('abcabcabcabc hello hello'), options: { strategy: constants.Z_FIXED } },
  { name: 'fixed Huffman on random data', data: randomBytes(5000, 9), options: { strategy: constants.Z_FIXED } },
  { name: 'dynamic Huffman text', data: textBytes(300000), options: { level: 9 } },
  { name: 'random data at level 9', data: randomBytes(100000, 2), options: { level: 9 } },
  { name: 'long matches', data: longMatchBytes(), options: { level: 9 } },
  { name: 'run of one byte', data: new Uint8Array(100000).fill(7), options: { level: 9 } },
  { name: 'Huffman only', data: textBytes(50000), options: { strategy: constants.Z_HUFFMAN_ONLY } },
  { name: 'run-length strategy', data: textBytes(50000), options: { strategy: constants.Z_RLE } },
  { name: 'small window', data: textBytes(80000), options: { windowBits: 9, level: 6 } },
];

// Feeds `compressed` to an Inflater in pieces of `size` bytes and joins the output.
function inflateInChunks(compressed, size) {
  const inflater = new Inflater();
  const parts = [];
  for (let at = 0; at < compressed.length; at += size) parts.push(...inflater.push(compressed.subarray(at, at + size)));
  parts.push(...inflater.finish());
  return Buffer.concat(parts);
}

function assertSameBytes(actual, expected, label) {
  assert.equal(actual.length, expected.length, `${label}: expected ${expected.length} bytes, got ${actual.length}`);
  const mismatch = expected.findIndex((byte, i) => actual[i] !== byte);
  assert.equal(mismatch, -1, `${label}: first differing byte at ${mismatch}`);
}

// ---------------------------------------------------------------------------
// Output matches the input of node:zlib
// ---------------------------------------------------------------------------

describe('inflateRaw against node:zlib', () => {
  for (const { name, data, options } of CASES) {
    test(`${name}, whole`, () => {
      const compressed = deflateRawSync(data, options);
      assertSameBytes(inflateRaw(compressed), data, name);
    });

    test(`${name}, in chunks`, () => {
      const compressed = deflateRawSync(data, options);
      for (const size of [1, 7, 4096]) assertSameBytes(inflateInChunks(compressed, size), data, `${name} in ${size}-byte chunks`);
    });
  }

  test('sync flush points between blocks', () => {
    // A sync flush ends the output with an empty, non-final stored block on a
    // byte boundary. Its references stay inside its own data, so a second
    // stream appended after it continues the same deflate stream.
    const first = textBytes(30000);
    const second = randomBytes(5000, 4);
    const compressed = Buffer.concat([
      deflateRawSync(first, { finishFlush: constants.Z_SYNC_FLUSH }),
      deflateRawSync(second, { level: 1 }),
    ]);
    assertSameBytes(inflateRaw(compressed), Buffer.concat([first, second]), 'flushed stream');
    assertSameBytes(inflateInChunks(compressed, 3), Buffer.concat([first, second]), 'flushed stream in 3-byte chunks');
  });

  test('stream without a final block', () => {
    const compressed = deflateRawSync(textBytes(1000), { finishFlush: constants.Z_SYNC_FLUSH });
    assert.throws(() => inflateRaw(compressed), /cut short after 1000 bytes/);
  });

  test('inflateRawBytes matches inflateRaw', async () => {
    const data = textBytes(60000);
    const compressed = deflateRawSync(data, { level: 9 });
    assertSameBytes(await inflateRawBytes(compressed), data, 'inflateRawBytes');
  });

  test('inflateRawBytes without DecompressionStream', async () => {
    const saved = globalThis.DecompressionStream;
    globalThis.DecompressionStream = undefined;
    try {
      const data = randomBytes(20000, 5);
      assertSameBytes(await inflateRawBytes(deflateRawSync(data)), data, 'fallback');
    } finally {
      globalThis.DecompressionStream = saved;
    }
  });
});

// ---------------------------------------------------------------------------
// Invalid input
// ---------------------------------------------------------------------------

describe('inflateRaw rejects invalid data', () => {
  const data = textBytes(20000);
  const compressed = deflateRawSync(data, { level: 9 });

  test('truncated stream', () => {
    for (const keep of [0, 1, 10, compressed.length - 1]) {
      assert.throws(() => inflateRaw(compressed.subarray(0, keep)), (error) => error instanceof InflateError && /cut short/.test(error.message),
        `a stream cut to ${keep} of ${compressed.length} bytes must raise "cut short"`);
    }
  });

  test('bytes after the end', () => {
    const padded = Buffer.concat([compressed, Buffer.from([1, 2, 3])]);
    assert.throws(() => inflateRaw(padded), /3 bytes follow the end/);
  });

  test('block type 3', () => {
    // First byte 0b111: final block, type 3.
    assert.throws(() => inflateRaw(Uint8Array.of(0x07, 0, 0)), /invalid block type 3/);
  });

  test('stored length mismatch', () => {
    // Final stored block, LEN 5, NLEN not its complement.
    assert.throws(() => inflateRaw(Uint8Array.of(0x01, 5, 0, 5, 0, 1, 2, 3, 4, 5)), /does not match its complement/);
  });

  test('distance before the start', () => {
    // Fixed block: length symbol 257 (length 3), distance symbol 0 (distance 1) with no byte before it.
    // Bits, first to last: 1 (final), 10 (fixed, low bit first), 0000001 (code of 257), 00000 (distance 0), then end of block 0000000.
    const bits = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    bits.forEach((bit, i) => { bytes[i >> 3] |= bit << (i & 7); });
    assert.throws(() => inflateRaw(bytes), /invalid distance 1: only 0 bytes precede it/);
  });

  test('over-subscribed code lengths', () => {
    // Dynamic block whose code-length code gives four symbols 1-bit codes.
    // HLIT 0, HDIST 0, HCLEN 4 (lengths for 16, 17, 18, 0), each 1.
    const bits = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0];
    const bytes = new Uint8Array(Math.ceil(bits.length / 8) + 4);
    bits.forEach((bit, i) => { bytes[i >> 3] |= bit << (i & 7); });
    assert.throws(() => inflateRaw(bytes), /over-subscribed/);
  });

  test('corrupted bytes never pass silently', () => {
    // Flipping bytes either raises an InflateError or changes the output; it must never crash with another error.
    const random = randomBytes(200, 11);
    let raised = 0;
    for (let i = 0; i < 200; i++) {
      const damaged = Uint8Array.from(compressed);
      damaged[random[i] * 7 % damaged.length] ^= 1 + (random[(i + 1) % 200] % 255);
      try {
        inflateRaw(damaged);
      } catch (error) {
        assert.ok(error instanceof InflateError, `damage ${i}: expected an InflateError, got ${error.name}: ${error.message}`);
        raised++;
      }
    }
    assert.ok(raised > 0, 'expected some damaged streams to be rejected');
  });
});
