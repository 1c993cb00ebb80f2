import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { EnvelopeCipher, StaticKeyProvider } from '@wissel/crypto';
import { type NewPartnerKey, type PartnerRepository } from '@wissel/persistence';
import { PartnerSecretSealer } from '../data-protection/partner-secret-sealer';
import { AddPartnerKeyUseCase } from './add-partner-key.usecase';
import { PartnerClock } from './partner-clock';
import { MalformedRequestError } from './partner-errors';

/** The repository side of adding a key: one known partner, and the keys stored. */
class Partners {
  added: NewPartnerKey[] = [];
  async find(id: string) {
    return id === 'iwf' ? { id } : undefined;
  }
  async addKey(key: NewPartnerKey) {
    this.added.push(key);
    return 'added' as const;
  }
}

const x = (bytes: Buffer) => bytes.toString('base64url');
const sealer = new PartnerSecretSealer(
  new EnvelopeCipher(new StaticKeyProvider([{ id: 'k1', key: randomBytes(32) }])),
);
const jwk = (raw: Buffer) => ({ kty: 'OKP', crv: 'Ed25519', x: x(raw) });

describe('AddPartnerKeyUseCase: Ed25519 keys', () => {
  const partners = new Partners();
  const addKey = new AddPartnerKeyUseCase(
    partners as unknown as PartnerRepository,
    new PartnerClock(),
    sealer,
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

describe('AddPartnerKeyUseCase: HMAC keys', () => {
  const partners = new Partners();
  const addKey = new AddPartnerKeyUseCase(
    partners as unknown as PartnerRepository,
    new PartnerClock(),
    sealer,
  );

  it('hands the repository only the sealed secret, bound to the key id', async () => {
    const secret = randomBytes(32);
    await addKey.execute({ partnerId: 'iwf', keyId: 'iwf-h', alg: 'hmac-sha256', secret });
    const [stored] = partners.added;
    expect(Object.keys(stored!)).not.toContain('hmacSecret');
    expect(stored!.hmacSecretSealed).toMatch(/^wse1\.k1\./);
    const text = JSON.stringify(stored);
    for (const encoding of ['base64', 'base64url', 'hex'] as const) {
      expect(text).not.toContain(secret.toString(encoding));
    }
    expect(sealer.open('iwf-h', stored!.hmacSecretSealed!)).toEqual(secret);
    expect(() => sealer.open('iwf-other', stored!.hmacSecretSealed!)).toThrow(/authenticat/);
  });

  it('seals a generated secret and hands the partner the clear one once', async () => {
    const added = await addKey.execute({
      partnerId: 'iwf',
      keyId: 'iwf-g',
      alg: 'hmac-sha256',
      generate: true,
    });
    const stored = partners.added.at(-1)!;
    expect(stored.hmacSecretSealed).not.toContain(added.secret);
    expect(sealer.open('iwf-g', stored.hmacSecretSealed!).toString('base64url')).toBe(added.secret);
  });
});
