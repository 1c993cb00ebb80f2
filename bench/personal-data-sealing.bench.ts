/**
 * What sealing personal data at intake costs (W11): per referral, one AES-256-GCM envelope
 * for the persons and one for the raw payload (each: a fresh data key, the value sealed,
 * the data key wrapped under the KEK), compared with the JSON work intake does anyway.
 *   npm run bench:sealing
 * Prints figures; not part of the test run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeCipher } from '../libs/crypto/src/envelope';
import { StaticKeyProvider } from '../libs/crypto/src/key-provider';
import { type CanonicalReferral } from '../libs/domain/src/referral/canonical-referral';
import { splitPersonalData } from '../libs/domain/src/referral/personal-data';

const example = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/canonical/iwf-nl-hosted.json'), 'utf8'),
) as CanonicalReferral;
const referral: CanonicalReferral = {
  ...example,
  persons: [
    {
      role: 'uploader',
      estimatedCountry: 'NL',
      ipEvents: Array.from({ length: 5 }, (_, i) => ({ ip: `192.0.2.${i}`, event: 'login' })),
      accounts: [{ service: 'chat.example', screenName: 'someone', email: 'someone@example.test' }],
    },
  ],
};
const raw = Buffer.from(JSON.stringify(referral));
const cipher = new EnvelopeCipher(new StaticKeyProvider([{ id: 'bench', key: randomBytes(32) }]));
const N = 20_000;

function time(label: string, fn: (i: number) => void): number {
  for (let i = 0; i < 1000; i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const us = Number(process.hrtime.bigint() - start) / 1000 / N;
  console.log(`${label.padEnd(46)} ${us.toFixed(1).padStart(7)} µs/referral`);
  return us;
}

const ids = Array.from({ length: N }, () => randomUUID());
console.log(`raw payload ${raw.length} bytes, ${N} referrals`);
const json = time('baseline: JSON.stringify(referral)', () => JSON.stringify(referral));
const seal = time('seal persons + raw payload (2 envelopes)', (i) => {
  const id = ids[i % N]!;
  const { personal } = splitPersonalData(referral);
  cipher.encrypt(JSON.stringify(personal), {
    table: 'referral',
    column: 'personal_data',
    rowId: id,
  });
  cipher.encrypt(raw, { table: 'referral', column: 'raw_payload', rowId: id });
});
const sealed = cipher.encrypt(JSON.stringify(splitPersonalData(referral).personal), {
  table: 'referral',
  column: 'personal_data',
  rowId: ids[0]!,
});
time('open persons (relay, per referral and round)', () =>
  cipher.decrypt(sealed, { table: 'referral', column: 'personal_data', rowId: ids[0]! }),
);
console.log(
  `sealing ≈ ${(seal / json).toFixed(1)}× one JSON.stringify; ${Math.round(1e6 / seal)} referrals/s on one core`,
);
