// Byte sizes as people write them: 262144, 256K, 256KiB, 1M, 1.5MB, 4G (K/M/G are 1024-based, as MCU datasheets use).
import { UsageError } from '../errors.js';

export function parseBytes(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(k|kb|kib|m|mb|mib|g|gb|gib|b)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`${what} must be a byte size like 262144, 256K or 1M, got "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('g') ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(m[1]) * scale);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${what} must be a positive byte size, got "${text}"`);
  return bytes;
}
