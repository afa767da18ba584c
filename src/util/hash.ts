import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes: how inputs, rule packs and log files are fingerprinted throughout. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
