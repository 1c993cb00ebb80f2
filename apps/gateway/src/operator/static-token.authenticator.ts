import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { parseOperatorTokens, type OperatorTokenEntry } from '@wissel/domain';
import { type OperatorPrincipal } from './operator-principal';

/**
 * Static operator tokens: OPERATOR_TOKEN_SHA256 holds only their SHA-256, each with a role
 * and a label. Compares every configured digest in constant time.
 */
@Injectable()
export class StaticTokenAuthenticator {
  private readonly entries: Array<OperatorTokenEntry & { digest: Buffer }>;

  constructor(config: WisselConfig) {
    const parsed = parseOperatorTokens(config.OPERATOR_TOKEN_SHA256);
    // The config was validated at load; an error here means it was not.
    if ('error' in parsed) throw new Error(`OPERATOR_TOKEN_SHA256: ${parsed.error}`);
    this.entries = parsed.entries.map((e) => ({ ...e, digest: Buffer.from(e.sha256, 'hex') }));
  }

  authenticate(token: string): OperatorPrincipal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    // No early exit: the time taken does not say which digest, if any, came close.
    let match: OperatorTokenEntry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest) && match === undefined) match = entry;
    }
    return match && { actor: `token:${match.label}`, role: match.role, via: 'token' };
  }
}
