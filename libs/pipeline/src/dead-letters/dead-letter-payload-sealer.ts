import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, type EncryptionContext } from '@wissel/crypto';

/** A dead letter's original bytes may hold reported URLs and personal data: sealed at rest. */
const context = (id: string): EncryptionContext => ({
  table: 'inbound_dead_letter',
  column: 'payload',
  rowId: id,
});

@Injectable()
export class DeadLetterPayloadSealer {
  constructor(private readonly cipher: EnvelopeCipher) {}

  seal(id: string, bytes: Buffer): string {
    return this.cipher.encrypt(bytes, context(id));
  }

  open(id: string, sealed: string): Buffer {
    return this.cipher.decrypt(sealed, context(id));
  }
}
