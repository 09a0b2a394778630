// zip.js: reads the central directory of a .zip archive held in a Blob and
// streams single members out of it, inflating with DecompressionStream, or
// with inflate.js on engines that lack it. Only
// the directory and the chosen members are read, a chunk at a time, so memory
// use does not grow with the size of the members. It reads the classic and
// the ZIP64 end records, stored and deflated members, and checks each
// member's size and CRC-32. No DOM use: it runs in a worker, on the main
// thread and under Node 20.

import { Inflater } from './inflate.js';

// ---------------------------------------------------------------------------
// Errors and constants
// ---------------------------------------------------------------------------

/** Error for an archive that cannot be read: truncated, corrupt or unsupported. */
export class ZipError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ZipError';
  }
}

const SIGNATURE = Object.freeze({
  LOCAL: 0x04034b50,
  CENTRAL: 0x02014b50,
  END: 0x06054b50,
  ZIP64_END: 0x06064b50,
  ZIP64_LOCATOR: 0x07064b50,
});

const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_END_SIZE = 56;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

/** Compression methods this reader inflates. */
export const METHOD = Object.freeze({ STORED: 0, DEFLATED: 8 });

/** Returns true when the bytes start with a zip local file header ("PK\3\4"). */
export function looksLikeZip(headBytes) {
  return headBytes.length >= 4 && headBytes[0] === 0x50 && headBytes[1] === 0x4b &&
    headBytes[2] === 0x03 && headBytes[3] === 0x04;
}

// ---------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it
// ---------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC-32 over `bytes`. Start with crc = 0; the result is unsigned. */
export function crc32(bytes, crc = 0) {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// ---------------------------------------------------------------------------
// Central directory
// ---------------------------------------------------------------------------

async function readBytes(blob, start, end) {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

// Reads a little-endian 64-bit count that must fit a JS number exactly.
function getUint64(view, offset) {
  const value = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * 2 ** 32;
  if (!Number.isSafeInteger(value)) throw new ZipError(`a 64-bit size ${value} is too large to read`);
  return value;
}

// Finds the end-of-central-directory record in the last 64 KiB + 22 bytes.
// Scanning backwards picks the real record even when the comment contains
// the signature bytes.
function findEndRecord(tail) {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let i = tail.length - END_RECORD_SIZE; i >= 0; i--) {
    if (view.getUint32(i, true) !== SIGNATURE.END) continue;
    const commentLength = view.getUint16(i + 20, true);
    if (i + END_RECORD_SIZE + commentLength <= tail.length) return i;
  }
  return -1;
}

// Applies the ZIP64 extra field: each 0xFFFFFFFF field of the header is
// replaced by the next 8-byte value, in the order the format fixes.
function applyZip64Extra(entry, extra) {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      let field = at + 4;
      const take = () => {
        if (field + 8 > at + 4 + size) throw new ZipError(`${entry.name}: the ZIP64 extra field is too short`);
        const value = getUint64(view, field);
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + size;
  }
}

/**
 * Reads the central directory of the archive in `blob`. Resolves to
 * [{ name, method, compressedSize, size, crc32, localHeaderOffset, flags }]
 * in directory order, folders left out. Rejects with a ZipError that names
 * the archive when the end records are missing (a truncated download) or the
 * directory is damaged.
 */
export async function readZipDirectory(blob, archiveName = 'archive.zip') {
  const fileSize = blob.size;
  const truncated = `${archiveName} is not a complete zip archive: its end record is missing, so the ` +
    `file is probably cut short (${fileSize} bytes). Download it again.`;
  if (fileSize < END_RECORD_SIZE) throw new ZipError(truncated);

  const tailStart = Math.max(0, fileSize - END_RECORD_SIZE - MAX_COMMENT);
  const tail = await readBytes(blob, tailStart, fileSize);
  const endAt = findEndRecord(tail);
  if (endAt < 0) throw new ZipError(truncated);
  const endView = new DataView(tail.buffer, tail.byteOffset + endAt, END_RECORD_SIZE);
  let entryCount = endView.getUint16(10, true);
  let directorySize = endView.getUint32(12, true);
  let directoryOffset = endView.getUint32(16, true);

  // ZIP64: the locator sits right before the end record and points at the
  // ZIP64 end record, which contains the real counts.
  const locatorAt = endAt - ZIP64_LOCATOR_SIZE;
  if (locatorAt >= 0) {
    const locator = new DataView(tail.buffer, tail.byteOffset + locatorAt, ZIP64_LOCATOR_SIZE);
    if (locator.getUint32(0, true) === SIGNATURE.ZIP64_LOCATOR) {
      const zip64EndOffset = getUint64(locator, 8);
      const record = await readBytes(blob, zip64EndOffset, zip64EndOffset + ZIP64_END_SIZE);
      const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
      if (record.length < ZIP64_END_SIZE || view.getUint32(0, true) !== SIGNATURE.ZIP64_END) {
        throw new ZipError(`${archiveName} is damaged: its ZIP64 end record is missing at byte ${zip64EndOffset}`);
      }
      entryCount = getUint64(view, 32);
      directorySize = getUint64(view, 40);
      directoryOffset = getUint64(view, 48);
    }
  }

  if (directoryOffset + directorySize > fileSize) {
    throw new ZipError(`${archiveName} is damaged: its directory (bytes ${directoryOffset}-${directoryOffset + directorySize}) ` +
      `lies beyond the end of the file (${fileSize} bytes). The file is probably cut short; download it again.`);
  }

  const directory = await readBytes(blob, directoryOffset, directoryOffset + directorySize);
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries = [];
  let at = 0;
  for (let i = 0; i < entryCount; i++) {
    if (at + CENTRAL_HEADER_SIZE > directory.length || view.getUint32(at, true) !== SIGNATURE.CENTRAL) {
      throw new ZipError(`${archiveName} is damaged: directory entry ${i + 1} of ${entryCount} is missing or corrupt`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const nameBytes = directory.subarray(at + CENTRAL_HEADER_SIZE, at + CENTRAL_HEADER_SIZE + nameLength);
    // NOTE: names without the UTF-8 flag are CP437; they are decoded as Latin-1,
    // which matches CP437 for the ASCII names of the MovieLens releases.
    const name = new TextDecoder(flags & FLAG_UTF8 ? 'utf-8' : 'latin1').decode(nameBytes);
    const entry = {
      name,
      flags,
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    const extraStart = at + CENTRAL_HEADER_SIZE + nameLength;
    applyZip64Extra(entry, directory.subarray(extraStart, extraStart + extraLength));
    if (!name.endsWith('/')) entries.push(entry);
    at = extraStart + extraLength + commentLength;
  }
  return entries;
}

// ---------------------------------------------------------------------------
// Member data
// ---------------------------------------------------------------------------

/**
 * Returns a ReadableStream of the uncompressed bytes of one member. The
 * stream errors with a ZipError when the member is encrypted, uses a method
 * other than stored or deflate, lies past the end of the file, fails to
 * inflate, or its size or CRC-32 differs from the directory.
 */
export async function openZipMember(blob, entry, archiveName = 'archive.zip') {
  const where = `${archiveName}: ${entry.name}`;
  if (entry.flags & FLAG_ENCRYPTED) throw new ZipError(`${where} is encrypted, which this reader does not support`);
  if (entry.method !== METHOD.STORED && entry.method !== METHOD.DEFLATED) {
    throw new ZipError(`${where} uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  }

  const header = await readBytes(blob, entry.localHeaderOffset, entry.localHeaderOffset + LOCAL_HEADER_SIZE);
  const headerView = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < LOCAL_HEADER_SIZE || headerView.getUint32(0, true) !== SIGNATURE.LOCAL) {
    throw new ZipError(`${where}: the local header at byte ${entry.localHeaderOffset} is missing or corrupt`);
  }
  const dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + headerView.getUint16(26, true) + headerView.getUint16(28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > blob.size) {
    throw new ZipError(`${where} ends at byte ${dataEnd}, past the end of the file (${blob.size} bytes); ` +
      'the archive is probably cut short. Download it again.');
  }

  const deflated = entry.method === METHOD.DEFLATED;
  const nativeInflate = deflated && typeof DecompressionStream === 'function';
  let raw = blob.slice(dataStart, dataEnd).stream();
  if (nativeInflate) raw = raw.pipeThrough(new DecompressionStream('deflate-raw'));
  // Without DecompressionStream (nor, in Firefox before 102, pipeThrough), the
  // pull loop below feeds the compressed chunks to inflate.js.
  const inflater = deflated && !nativeInflate ? new Inflater() : null;
  const reader = raw.getReader();
  const corrupt = (error) => new ZipError(`${where} is corrupt: its compressed data does not inflate (${error.message})`);
  let crc = 0;
  let produced = 0;

  return new ReadableStream({
    async pull(controller) {
      // Reads until some output is ready or the member ends, because a
      // compressed chunk can end inside a symbol and inflate to nothing yet.
      for (;;) {
        let result;
        let parts;
        try {
          result = await reader.read();
          if (result.done) parts = inflater ? inflater.finish() : [];
          else parts = inflater ? inflater.push(result.value) : [result.value];
        } catch (error) {
          controller.error(corrupt(error));
          return;
        }
        for (const part of parts) {
          crc = crc32(part, crc);
          produced += part.length;
          controller.enqueue(part);
        }
        if (result.done) {
          if (produced !== entry.size) {
            controller.error(new ZipError(`${where} is corrupt: it inflates to ${produced} bytes, but the central directory records ${entry.size}`));
          } else if (crc !== entry.crc32) {
            controller.error(new ZipError(`${where} is corrupt: its CRC-32 is ${crc.toString(16)}, but the central directory records ${entry.crc32.toString(16)}`));
          } else {
            controller.close();
          }
          return;
        }
        if (parts.length > 0) return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
