import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The embedded mode's local admin, as the audit log names it. */
export const LOCAL_ADMIN_LABEL = 'local-admin';

export interface LocalAdminToken {
  /** OPERATOR_TOKEN_SHA256 entry: `digest:admin:local-admin`. */
  entry: string;
  /** The token itself, only on the start that generated it (printed once). */
  generated?: string;
  /** Where the token was handed over (mode 0600): keep it elsewhere, then delete the file. */
  tokenFile: string;
}

/**
 * The embedded mode's admin token: generated on first start; the app keeps only its
 * SHA-256 (`operator-token.sha256` in the data folder) and reads nothing else on later
 * starts. The token is printed once and left in `operator-token` (mode 0600) for the
 * operator to pick up and delete. A data folder from before (only `operator-token`) gets
 * its digest file from that token.
 */
export function ensureLocalAdminToken(dataDir: string): LocalAdminToken {
  const tokenFile = join(dataDir, 'operator-token');
  const digestFile = join(dataDir, 'operator-token.sha256');
  let generated: string | undefined;
  if (!existsSync(digestFile)) {
    const token = existsSync(tokenFile)
      ? readFileSync(tokenFile, 'utf8').trim()
      : (generated = randomBytes(24).toString('base64url'));
    if (generated) writeFileSync(tokenFile, generated, { mode: 0o600 });
    writeFileSync(digestFile, `${sha256(token)}\n`, { mode: 0o600 });
  }
  const digest = readFileSync(digestFile, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error(`${digestFile} holds no SHA-256 digest`);
  return { entry: `${digest}:admin:${LOCAL_ADMIN_LABEL}`, generated, tokenFile };
}

function sha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
