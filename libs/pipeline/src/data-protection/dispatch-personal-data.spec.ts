import { randomBytes, randomUUID } from 'node:crypto';
import { EnvelopeCipher, StaticKeyProvider } from '@wissel/crypto';
import { type CanonicalReferral } from '@wissel/domain';
import { type SealedReferralRepository, type StoredPersonalData } from '@wissel/persistence';
import { DispatchPersonalData } from './dispatch-personal-data';
import { PersonalDataSealer } from './personal-data-sealer';

const persons: CanonicalReferral['persons'] = [
  { role: 'uploader', ipEvents: [{ ip: '192.0.2.9' }], estimatedCountry: 'NL' },
];
const skeleton = { schema: 'wissel.referral/1', sourceRef: { system: 'X', id: '1' } };

function setup(stored: Map<string, StoredPersonalData>) {
  const sealer = new PersonalDataSealer(
    new EnvelopeCipher(new StaticKeyProvider([{ id: 'k', key: randomBytes(32) }])),
  );
  const calls: string[][] = [];
  const repo = {
    personalDataOf: async (ids: readonly string[]) => {
      calls.push([...ids]);
      return stored;
    },
  } as unknown as SealedReferralRepository;
  return { sealer, calls, completer: new DispatchPersonalData(repo, sealer) };
}

describe('DispatchPersonalData', () => {
  it('puts the sealed persons back into every dispatch of the referral', async () => {
    const id = randomUUID();
    const stored = new Map<string, StoredPersonalData>();
    const { sealer, calls, completer } = setup(stored);
    const sealed = sealer.sealReferral(id, { ...skeleton, persons } as CanonicalReferral);
    stored.set(id, { personalData: sealed.personalData, legacyPersons: null });
    const rows = ['police', 'hotline'].map((recipient) => ({
      seq: recipient,
      payload: { referralId: id, recipient, referral: sealed.skeleton },
    }));
    const done = await completer.complete(rows);
    expect(done.map((r) => (r.payload.referral as CanonicalReferral).persons)).toEqual([
      persons,
      persons,
    ]);
    expect(calls).toHaveLength(1);
    // The stored rows are left as they were.
    expect(rows[0]!.payload.referral).not.toHaveProperty('persons');
  });

  it('sends an anonymised referral without persons, and reads legacy rows as stored', async () => {
    const [gone, legacy] = [randomUUID(), randomUUID()];
    const stored = new Map<string, StoredPersonalData>([
      [gone, { personalData: null, legacyPersons: null }],
      [legacy, { personalData: null, legacyPersons: persons }],
    ]);
    const { completer } = setup(stored);
    const done = await completer.complete([
      { payload: { referralId: gone, referral: skeleton } },
      { payload: { referralId: legacy, referral: skeleton } },
    ]);
    expect(
      (done[0]!.payload as unknown as { referral: CanonicalReferral }).referral.persons,
    ).toEqual([]);
    expect(
      (done[1]!.payload as unknown as { referral: CanonicalReferral }).referral.persons,
    ).toEqual(persons);
  });

  it('leaves payloads without a referral, or with persons already, untouched', async () => {
    const { calls, completer } = setup(new Map());
    const reminder = { payload: { schema: 'wissel.lifecycle/1', referralId: randomUUID() } };
    const old = { payload: { referralId: randomUUID(), referral: { ...skeleton, persons } } };
    expect(await completer.complete([reminder, old])).toEqual([reminder, old]);
    expect(calls).toHaveLength(0);
  });
});
