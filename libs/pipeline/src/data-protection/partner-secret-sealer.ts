import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, type EncryptionContext } from '@wissel/crypto';

/** Where a partner key's sealed HMAC secret lives: bound to its key id. */
export const hmacSecretContext = (keyId: string): EncryptionContext => ({
  table: 'partner_key',
  column: 'hmac_secret_sealed',
  rowId: keyId,
});

/**
 * Seals and opens partners' HMAC secrets with the data keys, as PersonalDataSealer does
 * for persons: a sealed secret copied to another key id does not open.
 */
@Injectable()
export class PartnerSecretSealer {
  constructor(private readonly cipher: EnvelopeCipher) {}

  seal(keyId: string, secret: Uint8Array): string {
    return this.cipher.encrypt(secret, hmacSecretContext(keyId));
  }

  open(keyId: string, sealed: string): Buffer {
    return this.cipher.decrypt(sealed, hmacSecretContext(keyId));
  }
}
