// inflate.js: a DEFLATE decoder (RFC 1951, raw streams without a zlib or gzip
// wrapper) in plain JavaScript, for engines that run WebAssembly but lack
// DecompressionStream (Firefox 89-112, Safari 15-16.3). It decodes
// incrementally, so a .zip member of any size inflates a chunk at a time.
// inflateRawBytes() prefers the engine's DecompressionStream when it exists.
// No DOM use: it runs in a worker, on the main thread and under Node 20.

// ---------------------------------------------------------------------------
// Errors and format constants
// ---------------------------------------------------------------------------

/** Error for deflate data that cannot be decoded: corrupt, truncated or followed by extra bytes. */
export class InflateError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InflateError';
  }
}

/** Size of the history that back-references may reach into (RFC 1951, section 2.2). */
const WINDOW_SIZE = 32768;
/** Bytes decoded between two output chunks, on top of the history. */
const OUTPUT_CHUNK = 65536;
/** Longest match a length code can give. */
const MAX_MATCH = 258;
/** Longest Huffman code in deflate. */
const MAX_CODE_BITS = 15;

const BLOCK_STORED = 0;
const BLOCK_FIXED = 1;
const BLOCK_DYNAMIC = 2;

/** Order in which a dynamic block lists the lengths of the code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

// Base value and extra bits of each length symbol (257..285) and distance
// symbol (0..29). Extra bits grow by one every 4 length symbols (after the
// first 8) and every 2 distance symbols (after the first 4). Symbol 285 is
// the exception: length 258 with no extra bits.
const LENGTH_BASE = new Uint16Array(29);
const LENGTH_EXTRA = new Uint8Array(29);
const DISTANCE_BASE = new Uint16Array(30);
const DISTANCE_EXTRA = new Uint8Array(30);
{
  let base = 3;
  for (let i = 0; i < 28; i++) {
    LENGTH_EXTRA[i] = i < 8 ? 0 : (i - 4) >> 2;
    LENGTH_BASE[i] = base;
    base += 1 << LENGTH_EXTRA[i];
  }
  LENGTH_BASE[28] = 258;
  LENGTH_EXTRA[28] = 0;

  base = 1;
  for (let i = 0; i < 30; i++) {
    DISTANCE_EXTRA[i] = i < 4 ? 0 : (i - 2) >> 1;
    DISTANCE_BASE[i] = base;
    base += 1 << DISTANCE_EXTRA[i];
  }
}

// ---------------------------------------------------------------------------
// Huffman tables
// ---------------------------------------------------------------------------

/**
 * Builds the decoding table of one canonical Huffman code. Entry i gives the
 * symbol and code length of the code whose bits, read first to last, are the
 * low bits of i. Deflate sends a code's top bit first, into the low end of the
 * bit stream. An entry of 0 marks bits that start no code, and entries are
 * (symbol << 4) | length. An incomplete code is accepted only
 * when `allowSingle` is set and the code is one symbol with a 1-bit code or
 * no symbol at all, the cases RFC 1951 (section 3.2.7) allows for distances.
 */
function buildTable(lengths, count, kind, allowSingle) {
  const lengthCounts = new Uint16Array(MAX_CODE_BITS + 1);
  let maxBits = 0;
  for (let symbol = 0; symbol < count; symbol++) {
    lengthCounts[lengths[symbol]]++;
    if (lengths[symbol] > maxBits) maxBits = lengths[symbol];
  }
  lengthCounts[0] = 0;

  // Kraft sum: "left" is the number of unused codes at each length. Below 0
  // the lengths describe more codes than fit; above 0 at the end the code is
  // incomplete.
  let left = 1;
  for (let bits = 1; bits <= MAX_CODE_BITS; bits++) {
    left = (left << 1) - lengthCounts[bits];
    if (left < 0) throw new InflateError(`invalid ${kind} code: the code lengths are over-subscribed`);
  }
  if (left > 0 && !(allowSingle && maxBits <= 1)) {
    throw new InflateError(`invalid ${kind} code: the code lengths are incomplete`);
  }

  // First code of each length, in canonical order (RFC 1951, section 3.2.2).
  const nextCode = new Uint16Array(MAX_CODE_BITS + 2);
  let code = 0;
  for (let bits = 1; bits <= MAX_CODE_BITS; bits++) {
    code = (code + lengthCounts[bits - 1]) << 1;
    nextCode[bits] = code;
  }

  const tableBits = Math.max(maxBits, 1);
  const entries = new Uint16Array(1 << tableBits);
  for (let symbol = 0; symbol < count; symbol++) {
    const bits = lengths[symbol];
    if (bits === 0) continue;
    // Reverse the code's bits, because the stream delivers its top bit first.
    let value = nextCode[bits]++;
    let reversed = 0;
    for (let i = 0; i < bits; i++) {
      reversed = (reversed << 1) | (value & 1);
      value >>= 1;
    }
    // Every index whose low `bits` bits equal the reversed code decodes to this symbol.
    const entry = (symbol << 4) | bits;
    for (let index = reversed; index < entries.length; index += 1 << bits) entries[index] = entry;
  }
  return { entries, bits: tableBits, kind };
}

const FIXED_LITERAL_TABLE = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return buildTable(lengths, 288, 'literal/length', false);
})();

// Symbols 30 and 31 complete the fixed distance code but are invalid in data.
const FIXED_DISTANCE_TABLE = buildTable(new Uint8Array(32).fill(5), 32, 'distance', false);

// ---------------------------------------------------------------------------
// Incremental decoder
// ---------------------------------------------------------------------------

/** Raised inside the decoder when the input ends before the current unit; never escapes push(). */
const NEED_INPUT = Symbol('need input');

const STATE = Object.freeze({
  BLOCK_HEADER: 0,
  STORED_HEADER: 1,
  STORED_COPY: 2,
  DYNAMIC_HEADER: 3,
  CODES: 4,
  END: 5,
});

/**
 * Decodes one raw deflate stream fed in chunks. push(chunk) returns the
 * bytes decoded so far as a list of new Uint8Arrays (possibly empty), and
 * finish() returns the rest once the input is complete. Both throw an
 * InflateError on corrupt data, finish() also when the stream is cut short,
 * and push() when bytes follow the end of the stream.
 *
 * The decoder works in units (a block header, a dynamic block's tables, one
 * literal or match, a run of stored bytes) and marks the input position
 * after each. When a chunk ends inside a unit, it rewinds to the last mark
 * and waits for the next chunk.
 */
export class Inflater {
  constructor() {
    this._input = new Uint8Array(0);
    this._inputPos = 0;
    this._bitBuffer = 0;
    this._bitCount = 0;
    // Input position after the last complete unit (see _mark).
    this._markPos = 0;
    this._markBitBuffer = 0;
    this._markBitCount = 0;
    this._state = STATE.BLOCK_HEADER;
    this._finalBlock = false;
    this._storedLeft = 0;
    this._literalTable = null;
    this._distanceTable = null;
    // History and pending output: bytes before _emitStart were returned already.
    this._window = new Uint8Array(WINDOW_SIZE + OUTPUT_CHUNK);
    this._outPos = 0;
    this._emitStart = 0;
    this._totalOut = 0;
    this._parts = [];
  }

  /** True once the final block has been decoded. */
  get done() {
    return this._state === STATE.END;
  }

  /** Decodes as much of `chunk` (with any bytes kept from earlier) as possible. */
  push(chunk) {
    this._append(chunk);
    this._run();
    if (this._state === STATE.END) {
      // Whole bytes in the bit buffer were read ahead and belong to the input too.
      const extra = this._input.length - this._inputPos + (this._bitCount >> 3);
      if (extra > 0) throw new InflateError(`${extra} bytes follow the end of the deflate stream`);
    }
    return this._takeParts();
  }

  /** Returns the remaining output; throws when the stream did not reach its final block's end. */
  finish() {
    if (this._state !== STATE.END) {
      throw new InflateError(`the deflate stream is cut short after ${this._totalOut} bytes of output`);
    }
    return this._takeParts();
  }

  // -- Input and bits ------------------------------------------------------

  _append(chunk) {
    const unread = this._input.length - this._inputPos;
    if (unread === 0) {
      this._input = chunk;
    } else {
      const joined = new Uint8Array(unread + chunk.length);
      joined.set(this._input.subarray(this._inputPos));
      joined.set(chunk, unread);
      this._input = joined;
    }
    this._inputPos = 0;
  }

  // Makes at least n bits (n <= 24) available, or raises NEED_INPUT.
  _need(n) {
    while (this._bitCount < n) {
      if (this._inputPos >= this._input.length) throw NEED_INPUT;
      this._bitBuffer |= this._input[this._inputPos++] << this._bitCount;
      this._bitCount += 8;
    }
  }

  _bits(n) {
    this._need(n);
    const value = this._bitBuffer & ((1 << n) - 1);
    this._bitBuffer >>>= n;
    this._bitCount -= n;
    return value;
  }

  // Decodes one symbol. Near the end of the input fewer than table.bits bits
  // may remain; a code shorter than what is there still decodes.
  _symbol(table) {
    while (this._bitCount < table.bits && this._inputPos < this._input.length) {
      this._bitBuffer |= this._input[this._inputPos++] << this._bitCount;
      this._bitCount += 8;
    }
    const entry = table.entries[this._bitBuffer & ((1 << table.bits) - 1)];
    const length = entry & 15;
    if (length === 0 || length > this._bitCount) {
      if (this._bitCount < table.bits) throw NEED_INPUT;
      throw new InflateError(`invalid ${table.kind} code in the deflate stream`);
    }
    this._bitBuffer >>>= length;
    this._bitCount -= length;
    return entry >> 4;
  }

  // -- Output --------------------------------------------------------------

  // Makes room for `n` more bytes: hands out the pending bytes and keeps the
  // last WINDOW_SIZE bytes as history at the start of the buffer.
  _reserve(n) {
    if (this._outPos + n <= this._window.length) return;
    this._emit();
    const keep = Math.min(this._outPos, WINDOW_SIZE);
    this._window.copyWithin(0, this._outPos - keep, this._outPos);
    this._outPos = keep;
    this._emitStart = keep;
  }

  _emit() {
    if (this._outPos > this._emitStart) this._parts.push(this._window.slice(this._emitStart, this._outPos));
    this._emitStart = this._outPos;
  }

  _takeParts() {
    this._emit();
    const parts = this._parts;
    this._parts = [];
    return parts;
  }

  // -- Decoding ------------------------------------------------------------

  _mark() {
    this._markPos = this._inputPos;
    this._markBitBuffer = this._bitBuffer;
    this._markBitCount = this._bitCount;
  }

  _run() {
    for (;;) {
      this._mark();
      try {
        switch (this._state) {
          case STATE.BLOCK_HEADER: this._blockHeader(); break;
          case STATE.STORED_HEADER: this._storedHeader(); break;
          case STATE.STORED_COPY: this._storedCopy(); break;
          case STATE.DYNAMIC_HEADER: this._dynamicHeader(); break;
          case STATE.CODES: this._codes(); break;
          default: return;
        }
      } catch (error) {
        if (error !== NEED_INPUT) throw error;
        // The unit that ran short starts again from its first bit with the next chunk.
        this._inputPos = this._markPos;
        this._bitBuffer = this._markBitBuffer;
        this._bitCount = this._markBitCount;
        return;
      }
    }
  }

  _blockHeader() {
    const header = this._bits(3);
    this._finalBlock = (header & 1) === 1;
    const type = header >> 1;
    if (type === BLOCK_STORED) {
      this._state = STATE.STORED_HEADER;
    } else if (type === BLOCK_FIXED) {
      this._literalTable = FIXED_LITERAL_TABLE;
      this._distanceTable = FIXED_DISTANCE_TABLE;
      this._state = STATE.CODES;
    } else if (type === BLOCK_DYNAMIC) {
      this._state = STATE.DYNAMIC_HEADER;
    } else {
      throw new InflateError('invalid block type 3 in the deflate stream');
    }
  }

  // A stored block starts at the next byte boundary with LEN and its one's complement NLEN.
  _storedHeader() {
    this._bits(this._bitCount & 7);
    const length = this._bits(16);
    const complement = this._bits(16);
    if ((length ^ 0xffff) !== complement) {
      throw new InflateError(`invalid stored block: length ${length} does not match its complement ${complement}`);
    }
    this._storedLeft = length;
    this._state = STATE.STORED_COPY;
  }

  _storedCopy() {
    // Whole bytes may still sit in the bit buffer after the header.
    while (this._storedLeft > 0 && this._bitCount >= 8) {
      this._reserve(1);
      this._window[this._outPos++] = this._bitBuffer & 0xff;
      this._bitBuffer >>>= 8;
      this._bitCount -= 8;
      this._storedLeft--;
      this._totalOut++;
      this._mark();
    }
    while (this._storedLeft > 0) {
      const available = this._input.length - this._inputPos;
      if (available === 0) throw NEED_INPUT;
      this._reserve(1);
      const n = Math.min(this._storedLeft, available, this._window.length - this._outPos);
      this._window.set(this._input.subarray(this._inputPos, this._inputPos + n), this._outPos);
      this._inputPos += n;
      this._outPos += n;
      this._storedLeft -= n;
      this._totalOut += n;
      this._mark();
    }
    this._state = this._finalBlock ? STATE.END : STATE.BLOCK_HEADER;
  }

  // Reads the code lengths of a dynamic block and builds its two tables.
  _dynamicHeader() {
    const literalCount = this._bits(5) + 257;
    const distanceCount = this._bits(5) + 1;
    const codeLengthCount = this._bits(4) + 4;
    if (literalCount > 286) throw new InflateError(`invalid dynamic block: ${literalCount} literal/length codes (at most 286)`);
    if (distanceCount > 30) throw new InflateError(`invalid dynamic block: ${distanceCount} distance codes (at most 30)`);

    const codeLengthLengths = new Uint8Array(19);
    for (let i = 0; i < codeLengthCount; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = this._bits(3);
    const codeLengthTable = buildTable(codeLengthLengths, 19, 'code-length', false);

    // Symbols 0-15 are lengths; 16 repeats the previous length 3-6 times,
    // 17 and 18 give runs of 3-10 and 11-138 zeros.
    const total = literalCount + distanceCount;
    const lengths = new Uint8Array(total);
    for (let i = 0; i < total;) {
      const symbol = this._symbol(codeLengthTable);
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      let value = 0;
      let repeat;
      if (symbol === 16) {
        if (i === 0) throw new InflateError('invalid dynamic block: a repeat code comes before any length');
        value = lengths[i - 1];
        repeat = 3 + this._bits(2);
      } else if (symbol === 17) {
        repeat = 3 + this._bits(3);
      } else {
        repeat = 11 + this._bits(7);
      }
      if (i + repeat > total) {
        throw new InflateError(`invalid dynamic block: the code lengths run past ${total} symbols`);
      }
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new InflateError('invalid dynamic block: the end-of-block code is missing');

    this._literalTable = buildTable(lengths.subarray(0, literalCount), literalCount, 'literal/length', true);
    this._distanceTable = buildTable(lengths.subarray(literalCount), distanceCount, 'distance', true);
    this._state = STATE.CODES;
  }

  // Decodes literals and matches up to the end-of-block code. Each literal or
  // match is one unit, so the mark moves after every one.
  _codes() {
    const window = this._window;
    for (;;) {
      const symbol = this._symbol(this._literalTable);
      if (symbol < 256) {
        this._reserve(1);
        window[this._outPos++] = symbol;
        this._totalOut++;
      } else if (symbol === 256) {
        this._state = this._finalBlock ? STATE.END : STATE.BLOCK_HEADER;
        return;
      } else {
        const lengthIndex = symbol - 257;
        if (lengthIndex >= 29) throw new InflateError(`invalid length symbol ${symbol} in the deflate stream`);
        const length = LENGTH_BASE[lengthIndex] + this._bits(LENGTH_EXTRA[lengthIndex]);
        const distanceSymbol = this._symbol(this._distanceTable);
        if (distanceSymbol >= 30) throw new InflateError(`invalid distance symbol ${distanceSymbol} in the deflate stream`);
        const distance = DISTANCE_BASE[distanceSymbol] + this._bits(DISTANCE_EXTRA[distanceSymbol]);
        if (distance > this._totalOut) {
          throw new InflateError(`invalid distance ${distance}: only ${this._totalOut} bytes precede it in the deflate stream`);
        }
        this._reserve(MAX_MATCH);
        // Byte by byte, because a match may overlap the bytes it produces.
        let from = this._outPos - distance;
        for (let i = 0; i < length; i++) window[this._outPos++] = window[from++];
        this._totalOut += length;
      }
      this._mark();
    }
  }
}

// ---------------------------------------------------------------------------
// Whole buffers
// ---------------------------------------------------------------------------

function concatenate(parts) {
  if (parts.length === 1) return parts[0];
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

/** Inflates a complete raw deflate stream with this file's decoder. Throws an InflateError when it is invalid. */
export function inflateRaw(bytes) {
  const inflater = new Inflater();
  const parts = inflater.push(bytes);
  parts.push(...inflater.finish());
  return parts.length === 0 ? new Uint8Array(0) : concatenate(parts);
}

/**
 * Inflates a complete raw deflate stream, with the engine's
 * DecompressionStream when it has one and with inflateRaw() otherwise.
 * Resolves to a Uint8Array; rejects when the data is invalid.
 */
export async function inflateRawBytes(bytes) {
  if (typeof DecompressionStream !== 'function') return inflateRaw(bytes);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
