import { randomBytes, randomUUID } from 'node:crypto';
import { CryptoError, EnvelopeCipher, StaticKeyProvider } from '@wissel/crypto';
import { type CanonicalReferral } from '@wissel/domain';
import { PersonalDataSealer } from './personal-data-sealer';

const referral: CanonicalReferral = {
  schema: 'wissel.referral/2',
  source: { kind: 'reporting_centre', organisation: 'NCMEC', country: 'US' },
  sourceRef: { system: 'NCMEC', id: '123' },
  reportedAt: '2026-01-01T00:00:00Z',
  via: [],
  incident: { type: 'csam', priority: 'normal' },
  locators: [{ url: 'https://example.test/a.jpg', kind: 'media_file' }],
  media: [{ hashes: { md5: 'a'.repeat(32) } }],
  persons: [
    {
      role: 'uploader',
      estimatedCountry: 'NL',
      ipEvents: [{ ip: '192.0.2.7', event: 'upload', at: '2026-01-01T00:00:00Z' }],
      accounts: [{ service: 'chat', screenName: 'someone', email: 'someone@example.test' }],
    },
  ],
};

const sealer = () =>
  new PersonalDataSealer(
    new EnvelopeCipher(new StaticKeyProvider([{ id: 'k1', key: randomBytes(32) }])),
  );

describe('PersonalDataSealer', () => {
  it('keeps the persons out of the skeleton and opens them again', () => {
    const s = sealer();
    const id = randomUUID();
    const { skeleton, personalData } = s.sealReferral(id, referral);
    expect(JSON.stringify(skeleton)).not.toMatch(/192\.0\.2\.7|someone/);
    expect(personalData).toMatch(/^wse1\.k1\./);
    expect(personalData).not.toContain('someone');
    expect(s.openReferral(id, skeleton, personalData)).toEqual(referral);
  });

  it('binds the sealed persons to their referral: another row id does not open them', () => {
    const s = sealer();
    const { personalData } = s.sealReferral(randomUUID(), referral);
    expect(() => s.openPersonalData(randomUUID(), personalData)).toThrow(CryptoError);
  });

  it('binds each column: a raw payload does not open as personal data', () => {
    const s = sealer();
    const id = randomUUID();
    const raw = s.sealRawPayload(id, JSON.stringify({ persons: [] }));
    expect(() => s.openPersonalData(id, raw)).toThrow(/authentication_failed/);
  });

  it('keeps the raw payload byte for byte, whatever the bytes', () => {
    const s = sealer();
    const id = randomUUID();
    const bytes = Buffer.concat([Buffer.from('<xml>é</xml>'), Buffer.from([0xff, 0x00, 0xfe])]);
    expect(s.openRawPayload(id, s.sealRawPayload(id, bytes)).equals(bytes)).toBe(true);
  });

  it('reads a row stored before sealing as it is', () => {
    const stored = referral as unknown as Record<string, unknown>;
    expect(sealer().openReferral(randomUUID(), stored, null)).toEqual(referral);
  });

  it('reads an anonymised referral without persons', () => {
    const s = sealer();
    const { skeleton } = s.sealReferral(randomUUID(), referral);
    expect(s.openReferral(randomUUID(), skeleton, null).persons).toEqual([]);
  });

  it('fails loudly without the key, never returning plaintext', () => {
    const id = randomUUID();
    const { personalData } = sealer().sealReferral(id, referral);
    expect(() => sealer().openPersonalData(id, personalData)).toThrow(/key_unknown|authentication/);
  });
});
