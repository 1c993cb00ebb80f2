/**
 * The poison policy on the real broker and on the embedded bus: a message the router's own
 * code fails on every time (here a classifier that throws a TypeError for it, standing in
 * for any bug a message can trigger) is retried a bounded number of times with its batch,
 * then the batch is taken one message at a time, the poison message is parked on the
 * dead-letter topic with `processing_failed` and its bytes, and the partition moves on:
 * the messages around it are stored and the offset passes all three.
 */
import { randomUUID } from 'node:crypto';
import { type CanonicalReferral } from '@wissel/domain';
import { KnownMaterial, POISON_ATTEMPTS } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type Messaging } from '../support/stack';

jest.setTimeout(120_000);

/** Knows no hash, and fails on every batch that holds a referral marked POISON. */
const failingClassifier = {
  calls: 0,
  async classify(referrals: CanonicalReferral[]) {
    this.calls++;
    if (referrals.some((r) => r.sourceRef.id.startsWith('POISON'))) {
      throw new TypeError("Cannot read properties of undefined (reading 'hashes')");
    }
    return referrals.map((r) => ({ knownMedia: [], unknownMedia: r.media.map((_, i) => i) }));
  },
};

describe.each<Messaging>(['kafka', 'postgres'])('the poison policy (%s)', (messaging) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create(`poison_${messaging}`, { messaging });
    await stack.start('router', {}, [[KnownMaterial, failingClassifier]]);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('parks the message the code keeps failing on, and takes the ones around it', async () => {
    const dlq = await stack.read(stack.topics.deadLetter);
    const referral = (prefix: string) =>
      canonicalReferral({ sourceRef: { system: 'POISON-TEST', id: `${prefix}-${randomUUID()}` } });
    const [before, poison, after] = [referral('OK'), referral('POISON'), referral('OK')];
    const callsBefore = failingClassifier.calls;
    const offsets = await stack.produce(
      stack.topics.canonicalIn,
      [before, poison, after].map(asMessage),
      messaging === 'kafka' ? 0 : undefined,
    );

    const letter = (
      await dlq.until(
        (all) => all.some((m) => isOf(m.value, poison)),
        'the poison message on the dead-letter topic',
      )
    ).find((m) => isOf(m.value, poison));
    const parked = JSON.parse(letter!.value) as {
      reason: { code: string; detail: string };
      origin: { topic: string; offset: string };
      payloadBase64: string;
    };
    expect(letter!.headers['wissel-dlq-reason']).toBe('processing_failed');
    expect(parked.reason.code).toBe('processing_failed');
    expect(parked.origin).toMatchObject({ topic: stack.topics.canonicalIn, offset: offsets[1] });
    // The bytes are kept, to be replayed once the cause is fixed.
    expect(Buffer.from(parked.payloadBase64, 'base64').toString()).toBe(asMessage(poison));

    const stored = await eventually(async () => {
      const { rows } = await stack.db.query<{ source_id: string }>(
        `SELECT source_id FROM referral WHERE source_id = ANY($1) ORDER BY received_at`,
        [[before, poison, after].map((r) => r.sourceRef.id)],
      );
      return rows.length === 2 ? rows.map((r) => r.source_id) : undefined;
    }, 'the two healthy referrals stored');
    expect(stored.sort()).toEqual([before.sourceRef.id, after.sourceRef.id].sort());
    // Tried with its batch POISON_ATTEMPTS times, then alone: bounded, not for ever.
    const tries = failingClassifier.calls - callsBefore;
    expect(tries).toBeGreaterThanOrEqual(POISON_ATTEMPTS + 3);
    expect(tries).toBeLessThanOrEqual(POISON_ATTEMPTS + 3 + 2);
    const group = stack.env.ROUTER_GROUP_ID!;
    await eventually(
      async () =>
        (await stack.committedOffset(group, stack.topics.canonicalIn)) > BigInt(offsets[2]!)
          ? true
          : undefined,
      'the offset past all three',
    );
  });
});

function isOf(value: string, referral: { sourceRef: { id: string } }): boolean {
  try {
    const payload = (JSON.parse(value) as { payloadBase64?: string }).payloadBase64;
    return (
      payload !== undefined &&
      Buffer.from(payload, 'base64').toString().includes(referral.sourceRef.id)
    );
  } catch {
    return false;
  }
}
