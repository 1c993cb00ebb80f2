/**
 * The walking skeleton in both run modes, the same pipeline behind either adapter of the
 * messaging port: on the real Kafka broker (cluster) and on Postgres tables with
 * LISTEN/NOTIFY (embedded), always on the real PostgreSQL. A canonical referral produced to
 * referrals.in.canonical.v1 is validated, stored once, decided, and published by the
 * dispatcher to its recipient's topic; bad input is dead-lettered without stopping the
 * partition. (The embedded server itself is exercised by embedded-restart.e2e-spec.ts.)
 */
import { eventually, TestStack, type Messaging } from '../support/stack';
import { asMessage, canonicalReferral } from '../support/referrals';
import { sealerFor } from '../support/sealed';

describe.each<Messaging>(['kafka', 'postgres'])(
  'walking skeleton on %s: inbound topic → router → outbox → dispatcher → recipient topic',
  (messaging) => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.create(`modes_${messaging}`, { messaging });
      await stack.start('router');
      await stack.start('dispatcher');
    });

    afterAll(async () => {
      await stack.close();
    });

    // The fixture's hosts are not in the test DNS zone: hosting rests on the sender's hint.
    it('routes a referral hosted at home to the national hotline’s topic', async () => {
      const referral = canonicalReferral();
      const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
      await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);

      const [delivered] = await nlHotline.until(
        (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
        'the dispatch on referrals.out.nl-hotline.v1',
      );
      const dispatch = JSON.parse(delivered!.value);
      expect(dispatch).toMatchObject({
        schema: 'wissel.dispatch/1',
        recipient: 'nl-hotline',
        decision: { rule: 'hosted_at_home' },
        referral: { sourceRef: referral.sourceRef },
      });
      expect(delivered!.headers['wissel-dispatch-id']).toBe(dispatch.dispatchId);
      expect(delivered!.key).toBe(dispatch.caseId);

      // The dispatcher publishes first and commits `published_at` after (at-least-once), so
      // the record can be on the topic a moment before the row says so.
      const rows = await eventually(async () => {
        const result = await stack.db.query(
          `SELECT r.format, r.raw_payload, d.rule, d.recipients, o.published_at
           FROM referral r JOIN decision d ON d.referral_id = r.id JOIN outbox o ON o.referral_id = r.id
          WHERE r.id = $1`,
          [dispatch.referralId],
        );
        return result.rows.every((row) => row.published_at) && result.rows;
      }, 'the outbox row marked published');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        format: 'canonical',
        rule: 'hosted_at_home',
        recipients: ['nl-hotline'],
      });
      expect(rows[0].published_at).toBeInstanceOf(Date);
      // The raw payload is kept byte for byte as evidence, sealed at rest (W11).
      expect(rows[0].raw_payload).toMatch(/^wse1\./);
      expect(
        sealerFor(stack.env).openRawPayload(dispatch.referralId, rows[0].raw_payload).toString(),
      ).toBe(asMessage(referral));
    });

    it('routes a referral without a hosting hint to review', async () => {
      const referral = canonicalReferral({ hints: {} });
      const review = await stack.read(stack.topics.outbound('review'));
      await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
      const all = await review.until(
        (msgs) => msgs.some((m) => m.value.includes(referral.sourceRef.id)),
        'the dispatch on referrals.out.review.v1',
      );
      const dispatch = JSON.parse(all.find((m) => m.value.includes(referral.sourceRef.id))!.value);
      expect(dispatch.decision.rule).toBe('hosting_unknown');
    });

    it('stores and routes a referral delivered twice only once', async () => {
      const referral = canonicalReferral({ hints: { hostingCountry: 'DE' } });
      const deHotline = await stack.read(stack.topics.outbound('de-hotline'));
      const [, second] = await stack.produce(stack.topics.canonicalIn, [
        asMessage(referral),
        asMessage(referral),
      ]);

      // Both copies consumed and committed…
      await eventually(
        async () =>
          (await stack.committedOffset(stack.env.ROUTER_GROUP_ID!, stack.topics.canonicalIn)) >
          BigInt(second!),
        'the router to commit past the second copy',
      );
      // …and the first dispatch delivered.
      await deHotline.until(
        (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
        'the dispatch',
      );

      const where = `WHERE source_system = $1 AND source_id = $2`;
      const ref = [referral.sourceRef.system, referral.sourceRef.id];
      expect(await stack.count(`referral ${where}`, ref)).toBe(1);
      expect(
        await stack.count(`outbox o JOIN referral r ON r.id = o.referral_id ${where}`, ref),
      ).toBe(1);
      // Let the dispatcher go round again: still one message on the recipient's topic.
      await stack.produce(stack.topics.canonicalIn, [
        asMessage(canonicalReferral({ hints: { hostingCountry: 'DE' } })),
      ]);
      await deHotline.until((all) => all.length >= 2, 'a later dispatch');
      expect(
        deHotline.messages.filter((m) => m.value.includes(referral.sourceRef.id)),
      ).toHaveLength(1);
    });

    it('stores and routes nothing new when a committed referral is delivered again later', async () => {
      const referral = canonicalReferral({ hints: { hostingCountry: 'FR' } });
      const frHotline = await stack.read(stack.topics.outbound('fr-hotline'));
      await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
      await frHotline.until(
        (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
        'the first dispatch',
      );
      // At-least-once delivery upstream: the same referral arrives again after the first was committed.
      const [again] = await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
      await eventually(
        async () =>
          (await stack.committedOffset(stack.env.ROUTER_GROUP_ID!, stack.topics.canonicalIn)) >
          BigInt(again!),
        'the router to commit past the redelivery',
      );
      const ref = [referral.sourceRef.system, referral.sourceRef.id];
      expect(await stack.count(`referral WHERE source_system = $1 AND source_id = $2`, ref)).toBe(
        1,
      );
      expect(
        await stack.count(
          `outbox o JOIN referral r ON r.id = o.referral_id WHERE r.source_system = $1 AND r.source_id = $2`,
          ref,
        ),
      ).toBe(1);
    });

    it('dead-letters malformed messages with a reason and lets the valid one behind them through', async () => {
      const valid = canonicalReferral();
      const invalidSchema = canonicalReferral({ reportedAt: 'yesterday' });
      const dlq = await stack.read(stack.topics.deadLetter);
      const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
      const [garbageOffset, invalidOffset] = await stack.produce(stack.topics.canonicalIn, [
        '{"this is": not json',
        asMessage(invalidSchema),
        asMessage(valid),
      ]);

      await nlHotline.until(
        (all) => all.some((m) => m.value.includes(valid.sourceRef.id)),
        'the valid referral',
      );
      const letters = await dlq.until((all) => all.length >= 2, 'two dead letters');
      const byOffset = Object.fromEntries(
        letters.map((m) => [JSON.parse(m.value).origin.offset, JSON.parse(m.value)]),
      );

      expect(byOffset[garbageOffset!]).toMatchObject({
        schema: 'wissel.dead-letter/1',
        reason: { code: 'invalid_json' },
        origin: { topic: stack.topics.canonicalIn, partition: 0 },
      });
      expect(Buffer.from(byOffset[garbageOffset!].payloadBase64, 'base64').toString()).toBe(
        '{"this is": not json',
      );
      expect(byOffset[invalidOffset!].reason).toMatchObject({
        code: 'schema_violation',
        field: '/reportedAt',
      });
      expect(
        letters.find((m) => JSON.parse(m.value).origin.offset === invalidOffset)!.headers,
      ).toMatchObject({
        'wissel-dlq-reason': 'schema_violation',
      });
      // Nothing of the invalid referral was stored.
      expect(await stack.count(`referral WHERE source_id = $1`, [invalidSchema.sourceRef.id])).toBe(
        0,
      );
    });
  },
);
