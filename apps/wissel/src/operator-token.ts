import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded mode's operator token: generated on first start and kept in the data folder
 * (mode 0600) so it survives restarts; only its SHA-256 goes into the configuration, as
 * OPERATOR_TOKEN_SHA256 expects.
 */
export function ensureOperatorToken(dataDir: string): { token: string; sha256: string } {
  const file = join(dataDir, 'operator-token');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const token = readFileSync(file, 'utf8').trim();
  return { token, sha256: createHash('sha256').update(token, 'utf8').digest('hex') };
}
