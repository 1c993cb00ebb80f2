// Test-only helpers (not exported from index.ts).
import { randomBytes } from 'node:crypto';
import { EncryptionContext } from './envelope';
import { KeyEncryptionKey, StaticKeyProvider } from './key-provider';

export function kek(id: string): KeyEncryptionKey {
  return { id, key: randomBytes(32) };
}

export function ring(...keks: KeyEncryptionKey[]): StaticKeyProvider {
  return new StaticKeyProvider(keks);
}

export const CONTEXT: EncryptionContext = {
  table: 'referral_person',
  column: 'name',
  rowId: '0d9c6a52-4b1e-4f7e-9a57-3c1a9e0f2b11',
};
