/**
 * The 80-byte Bitcoin block header and its two hex forms.
 *
 * Serialised header (what `--header` takes, as in a raw block's hex): version (int32 LE),
 * prev block hash (32 bytes, internal order), merkle root (32 bytes, internal order), time (u32 LE),
 * bits (u32 LE), nonce (u32 LE). Block explorers *display* hashes (block hash, prev hash, merkle
 * root) byte-reversed, so the displayed block hash starts with the leading zeros.
 * Reference: Bitcoin developer reference, "Block Headers"; en.bitcoin.it "Block hashing algorithm".
 */
import { UsageError } from '../util/errors.js';
import { sha256d } from './sha256.js';

/** Serialised header length in bytes. */
export const HEADER_BYTES = 80;
/** Byte offset of the nonce field. */
export const NONCE_OFFSET = 76;

/** Decoded header fields; hashes in display (block-explorer) hex order. */
export interface BlockHeader {
  version: number;
  /** Previous block hash, display order (as explorers print it). */
  prevHash: string;
  /** Merkle root, display order. */
  merkleRoot: string;
  /** Unix time, seconds. */
  time: number;
  /** Compact target ("nBits"). */
  bits: number;
  nonce: number;
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** Decode hex to bytes; throws UsageError naming `what` on bad characters or odd length. */
export function hexToBytes(hex: string, what = 'hex'): Uint8Array {
  const h = hex.trim().replace(/^0x/i, '');
  if (!HEX_RE.test(h)) throw new UsageError(`${what}: not hex (only 0-9, a-f allowed)`);
  if (h.length % 2) throw new UsageError(`${what}: odd number of hex digits (${h.length})`);
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/** Lower-case hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Reverse a byte array (copy). */
export function reversed(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** Parse the `--header` argument: exactly 160 hex characters (80 serialised bytes). */
export function parseHeaderHex(hex: string, flag = '--header'): Uint8Array {
  const h = hex.trim().replace(/^0x/i, '');
  if (!HEX_RE.test(h)) throw new UsageError(`${flag}: not hex; give the 80-byte serialised header as 160 hex characters`);
  if (h.length !== HEADER_BYTES * 2) throw new UsageError(`${flag}: ${h.length} hex characters; a block header is exactly 160 (80 bytes)`);
  return hexToBytes(h, flag);
}

/** Decode a serialised header into fields. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length !== HEADER_BYTES) throw new RangeError(`header must be ${HEADER_BYTES} bytes, got ${bytes.length}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: dv.getInt32(0, true),
    prevHash: bytesToHex(reversed(bytes.subarray(4, 36))),
    merkleRoot: bytesToHex(reversed(bytes.subarray(36, 68))),
    time: dv.getUint32(68, true),
    bits: dv.getUint32(72, true),
    nonce: dv.getUint32(76, true),
  };
}

/** Serialise header fields (display-order hashes) into the 80-byte header. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, h.version, true);
  const prev = hexToBytes(h.prevHash, 'prevHash');
  const merkle = hexToBytes(h.merkleRoot, 'merkleRoot');
  if (prev.length !== 32) throw new UsageError(`prevHash: ${prev.length} bytes; must be 32 (64 hex characters)`);
  if (merkle.length !== 32) throw new UsageError(`merkleRoot: ${merkle.length} bytes; must be 32 (64 hex characters)`);
  out.set(reversed(prev), 4);
  out.set(reversed(merkle), 36);
  dv.setUint32(68, h.time >>> 0, true);
  dv.setUint32(72, h.bits >>> 0, true);
  dv.setUint32(76, h.nonce >>> 0, true);
  return out;
}

/** A copy of the header with its nonce field replaced. */
export function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const out = Uint8Array.from(header);
  new DataView(out.buffer).setUint32(NONCE_OFFSET, nonce >>> 0, true);
  return out;
}

/** The block hash as explorers print it (byte-reversed digest), for the header with `nonce`. */
export function blockHashHex(header: Uint8Array, nonce?: number): string {
  const d = sha256d(nonce === undefined ? header : withNonce(header, nonce));
  return bytesToHex(reversed(d));
}
