import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generatePartnerKey, thumbprint } from './generate-partner-key';

describe('generatePartnerKey', () => {
  it('makes a matching Ed25519 pair whose kid is the suggested key id', () => {
    const { privateJwk, publicJwk, keyId } = generatePartnerKey();
    expect(keyId).toMatch(/^ed25519-[A-Za-z0-9_-]{16}$/);
    expect(keyId).toBe(`ed25519-${thumbprint(publicJwk).slice(0, 16)}`);
    expect(publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: privateJwk.x,
      kid: keyId,
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(publicJwk).not.toHaveProperty('d');
    const derived = createPublicKey(createPrivateKey({ key: privateJwk, format: 'jwk' }));
    expect(derived.equals(createPublicKey({ key: publicJwk, format: 'jwk' }))).toBe(true);
    expect(generatePartnerKey().keyId).not.toBe(keyId);
  });

  it('uses a key id that is given', () => {
    expect(generatePartnerKey('iwf-2026-01')).toMatchObject({
      keyId: 'iwf-2026-01',
      publicJwk: { kid: 'iwf-2026-01' },
    });
  });

  it('computes the RFC 7638 thumbprint (RFC 8037 Appendix A.3 vector)', () => {
    const rfc8037 = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    } as const;
    expect(thumbprint(rfc8037)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });
});
