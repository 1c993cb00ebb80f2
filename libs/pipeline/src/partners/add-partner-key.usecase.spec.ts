import { generateKeyPairSync } from 'node:crypto';
import { type PartnerRepository } from '@wissel/persistence';
import { AddPartnerKeyUseCase } from './add-partner-key.usecase';
import { PartnerClock } from './partner-clock';
import { MalformedRequestError } from './partner-errors';

/** The repository side of adding a key: one known partner, and the keys stored. */
class Partners {
  added: unknown[] = [];
  async find(id: string) {
    return id === 'iwf' ? { id } : undefined;
  }
  async addKey(key: unknown) {
    this.added.push(key);
    return 'added' as const;
  }
}

const x = (bytes: Buffer) => bytes.toString('base64url');
const jwk = (raw: Buffer) => ({ kty: 'OKP', crv: 'Ed25519', x: x(raw) });

describe('AddPartnerKeyUseCase: Ed25519 keys', () => {
  const partners = new Partners();
  const addKey = new AddPartnerKeyUseCase(
    partners as unknown as PartnerRepository,
    new PartnerClock(),
  );

  it.each([
    // Both verify a signature forged without a private key (R = B, S = 1 for the identity).
    ['the identity point', Buffer.concat([Buffer.from([1]), Buffer.alloc(31)])],
    ['the all-zero key (order 4)', Buffer.alloc(32)],
    ['a non-canonical encoding (y = p)', Buffer.from(`ed${'ff'.repeat(30)}7f`, 'hex')],
  ])('refuses %s, naming the field, and stores nothing', async (_name, raw) => {
    const before = partners.added.length;
    const attempt = addKey.execute({ partnerId: 'iwf', alg: 'ed25519', publicJwk: jwk(raw) });
    await expect(attempt).rejects.toBeInstanceOf(MalformedRequestError);
    await expect(attempt).rejects.toMatchObject({ code: 'key_invalid' });
    expect(partners.added.length).toBe(before);
  });

  it('adds a real key', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
    const added = await addKey.execute({ partnerId: 'iwf', alg: 'ed25519', publicJwk: jwk(raw) });
    expect(added).toMatchObject({ partnerId: 'iwf', alg: 'ed25519' });
    expect(partners.added).toHaveLength(1);
  });
});
