/**
 * Compact `bits` ⇄ 256-bit target ⇄ difficulty, and the full-target check.
 *
 * A header hash meets the target when SHA256d(header), read as a little-endian 256-bit integer,
 * is ≤ target (Bitcoin Core `CheckProofOfWork`: `UintToArith256(hash) > bnTarget` fails).
 * Compact form (Bitcoin Core `arith_uint256::SetCompact`): exponent = bits >> 24, mantissa =
 * bits & 0x007fffff, target = mantissa · 256^(exponent − 3); bit 0x00800000 is a sign bit and
 * a negative or overflowing compact value is invalid. Difficulty = difficulty-1 target / target,
 * with the difficulty-1 target 0x00000000ffff0000…0000 (bits 0x1d00ffff).
 */
import { UsageError } from '../util/errors.js';
import { bytesToHex } from './header.js';

/** 2^256 − 1: the largest target (every hash meets it). */
export const MAX_TARGET = (1n << 256n) - 1n;
/** The difficulty-1 target (bits 0x1d00ffff). */
export const DIFF1_TARGET = 0xffffn << 208n;

/** Decode compact bits to a target; throws UsageError for negative or overflowing encodings. */
export function bitsToTarget(bits: number, flag = '--bits'): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) throw new UsageError(`${flag}: must be a 32-bit value like 0x1d00ffff`);
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  if (mantissa !== 0 && (bits & 0x00800000) !== 0) throw new UsageError(`${flag} 0x${hex32(bits)}: negative compact target (sign bit 0x00800000 set)`);
  const target = exponent <= 3 ? BigInt(mantissa >>> (8 * (3 - exponent))) : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (target > MAX_TARGET) throw new UsageError(`${flag} 0x${hex32(bits)}: compact target overflows 256 bits`);
  if (target === 0n) throw new UsageError(`${flag} 0x${hex32(bits)}: target is zero; no hash can meet it`);
  return target;
}

/** Difficulty of a target (difficulty-1 target / target), as a float. */
export function targetToDifficulty(target: bigint): number {
  if (target <= 0n) throw new RangeError('target must be positive');
  // Scale to keep ~53 significant bits in the quotient.
  const scale = 1n << 64n;
  return Number((DIFF1_TARGET * scale) / target) / Number(scale);
}

/** Target meaning "≥ k leading zero bits in the displayed (big-endian) hash": 2^(256−k) − 1. */
export function zeroBitsTarget(k: number, flag = '--zero-bits'): bigint {
  if (!Number.isInteger(k) || k < 0 || k > 256) throw new UsageError(`${flag} ${k}: must be an integer from 0 to 256`);
  if (k === 256) return 0n;
  return (1n << BigInt(256 - k)) - 1n;
}

/** Parse a 64-hex-character target (big-endian, as displayed). */
export function parseTargetHex(hex: string, flag = '--target'): bigint {
  const h = hex.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]+$/.test(h)) throw new UsageError(`${flag}: not hex; give the 256-bit target as 64 hex characters (big-endian, as displayed)`);
  if (h.length !== 64) throw new UsageError(`${flag}: ${h.length} hex characters; a target is exactly 64`);
  return BigInt('0x' + h);
}

/**
 * Parse `--bits`: the compact target ("nBits") is hex by convention, with or without `0x`
 * (`bitcoin-cli getblockheader` prints block 840,000's as "17034219"), so digits-only input is
 * hex too, never decimal. Then decode it.
 */
export function parseBitsArg(raw: string, flag = '--bits'): { bits: number; target: bigint } {
  const h = raw.trim().replace(/^0x/i, '');
  const hint = 'nBits is a 32-bit compact target in hex, with or without 0x (e.g. 1d00ffff, 0x17034219)';
  if (!/^[0-9a-f]+$/i.test(h)) throw new UsageError(`${flag} '${raw}': not hex; ${hint}`);
  if (h.length > 8) throw new UsageError(`${flag} '${raw}': ${h.length} hex digits, more than 32 bits; ${hint}`);
  const bits = parseInt(h, 16);
  return { bits, target: bitsToTarget(bits, flag) };
}

/** A digest (SHA256d output, digest byte order) as the little-endian 256-bit integer compared to targets. */
export function digestToBigInt(digest: Uint8Array): bigint {
  if (digest.length !== 32) throw new RangeError('digest must be 32 bytes');
  return BigInt('0x' + bytesToHex(Uint8Array.from(digest).reverse()));
}

/** Full 256-bit target check. */
export function meetsTarget(digest: Uint8Array, target: bigint): boolean {
  return digestToBigInt(digest) <= target;
}

/** Top 32 bits of a target (what the GPU filters on); a hash whose top word exceeds it cannot meet it. */
export function targetTopWord(target: bigint): number {
  return Number(target >> 224n);
}

/** Display hex (64 characters) of a 256-bit target. */
export function targetHex(target: bigint): string {
  return target.toString(16).padStart(64, '0');
}

function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

