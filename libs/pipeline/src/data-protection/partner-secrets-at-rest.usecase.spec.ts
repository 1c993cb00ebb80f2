import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, keyIdOf, StaticKeyProvider } from '@wissel/crypto';
import { type PartnerRepository } from '@wissel/persistence';
import { PartnerSecretSealer } from './partner-secret-sealer';
import { PartnerSecretsAtRestUseCase } from './partner-secrets-at-rest.usecase';

/** partner_key's two secret columns, as the repository pages and rewrites them. */
class Keys {
  rows = new Map<string, { clear: Buffer | null; sealed: string | null }>();
  async clearHmacSecrets(after: string, limit: number) {
    return [...this.rows]
      .filter(([id, r]) => r.clear !== null && id > after)
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, limit)
      .map(([keyId, r]) => ({ keyId, secret: r.clear! }));
  }
  async replaceClearHmacSecret(keyId: string, sealed: string) {
    const row = this.rows.get(keyId)!;
    if (row.clear === null) return false;
    this.rows.set(keyId, { clear: null, sealed });
    return true;
  }
  async hmacSecretsWrappedUnderOtherKeys(current: string, after: string, limit: number) {
    return [...this.rows]
      .filter(([id, r]) => r.sealed !== null && keyIdOf(r.sealed) !== current && id > after)
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, limit)
      .map(([keyId, r]) => ({ keyId, secret: r.sealed! }));
  }
  async rewriteSealedHmacSecret(keyId: string, before: string, after: string) {
    const row = this.rows.get(keyId)!;
    if (row.sealed !== before) return false;
    row.sealed = after;
    return true;
  }
}

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const cipherOf = (...keks: Array<typeof k1>) => new EnvelopeCipher(new StaticKeyProvider(keks));

function useCase(keys: Keys, cipher: EnvelopeCipher) {
  return new PartnerSecretsAtRestUseCase(
    keys as unknown as PartnerRepository,
    new PartnerSecretSealer(cipher),
    cipher,
  );
}

describe('PartnerSecretsAtRestUseCase', () => {
  it('seals every clear secret in pages, empties the clear column, and is idempotent', async () => {
    const keys = new Keys();
    const secrets = new Map(['a', 'b', 'c', 'd', 'e'].map((id) => [id, randomBytes(32)]));
    for (const [id, secret] of secrets) keys.rows.set(id, { clear: secret, sealed: null });
    const cipher = cipherOf(k1);
    expect(await useCase(keys, cipher).sealClear(2)).toBe(5);
    const sealer = new PartnerSecretSealer(cipher);
    for (const [id, secret] of secrets) {
      const row = keys.rows.get(id)!;
      expect(row.clear).toBeNull();
      expect(row.sealed).not.toContain(secret.toString('base64url'));
      expect(sealer.open(id, row.sealed!)).toEqual(secret);
    }
    expect(await useCase(keys, cipher).sealClear(2)).toBe(0);
  });

  it('does not count a row another run sealed first', async () => {
    const keys = new Keys();
    keys.rows.set('a', { clear: randomBytes(32), sealed: null });
    keys.replaceClearHmacSecret = async () => false;
    expect(await useCase(keys, cipherOf(k1)).sealClear()).toBe(0);
  });

  it('rewraps sealed secrets to the current KEK; they open without the old one', async () => {
    const keys = new Keys();
    const secret = randomBytes(32);
    keys.rows.set('a', {
      clear: null,
      sealed: new PartnerSecretSealer(cipherOf(k1)).seal('a', secret),
    });
    keys.rows.set('b', {
      clear: null,
      sealed: new PartnerSecretSealer(cipherOf(k2)).seal('b', secret),
    });
    expect(await useCase(keys, cipherOf(k2, k1)).rewrap('k2', 1)).toBe(1);
    const onlyNew = new PartnerSecretSealer(cipherOf(k2));
    for (const id of ['a', 'b']) {
      expect(keyIdOf(keys.rows.get(id)!.sealed!)).toBe('k2');
      expect(onlyNew.open(id, keys.rows.get(id)!.sealed!)).toEqual(secret);
    }
    expect(await useCase(keys, cipherOf(k2, k1)).rewrap('k2')).toBe(0);
  });
});
