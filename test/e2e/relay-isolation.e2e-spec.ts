/**
 * One recipient or one row never stops a relay lane, on the real broker and database: a
 * recipient whose Kafka topic is gone fails only its own rows (retried with backoff), and
 * a referral whose sealed persons cannot be opened is dead-lettered alone; every other
 * dispatch of the same round is delivered.
 */
import { randomUUID } from 'node:crypto';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type TopicReader } from '../support/stack';

jest.setTimeout(180_000);

interface OutboxRow {
  recipient_id: string;
  published: boolean;
  dead_letter_reason: string | null;
  next_attempt_at: Date | null;
  attempts: number;
}

describe('relay isolation', () => {
  let stack: TestStack;
  let nlHotline: TopicReader;

  beforeAll(async () => {
    stack = await TestStack.create('relay_isolation');
    await stack.start('router');
    nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
  });

  afterAll(async () => {
    await stack.close();
  });

  const referral = (country: string, persons: unknown[] = []) =>
    canonicalReferral({
      sourceRef: { system: 'RELAY-TEST', id: `R-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: `https://${randomUUID()}.relay.test/p` }],
      hints: { hostingCountry: country },
      persons,
    });

  const rowsOf = async (sourceId: string) => {
    const { rows } = await stack.db.query<OutboxRow>(
      `SELECT o.recipient_id, o.published_at IS NOT NULL AS published, o.dead_letter_reason,
              o.next_attempt_at, o.attempts
         FROM outbox o JOIN referral r ON r.id = o.referral_id
        WHERE r.source_id = $1 ORDER BY o.recipient_id`,
      [sourceId],
    );
    return rows;
  };

  it('delivers the rest of a round when one topic is gone and one referral cannot be opened', async () => {
    const healthy = referral('NL');
    const toGoneTopic = referral('DE');
    const unreadable = referral('NL', [
      { role: 'uploader', accounts: [{ screenName: `relay_${randomUUID()}` }] },
    ]);
    await stack.produce(
      stack.topics.canonicalIn,
      [healthy, toGoneTopic, unreadable].map(asMessage),
    );
    for (const r of [healthy, toGoneTopic, unreadable]) {
      await eventually(
        async () => ((await rowsOf(r.sourceRef.id)).length > 0 ? true : undefined),
        'its dispatches in the outbox',
      );
    }
    // Before any dispatcher runs: de-hotline's topic disappears, and one referral's sealed
    // persons become unreadable (a corrupt envelope, as after losing its data key).
    const admin = stack.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [stack.topics.outbound('de-hotline')] });
    await admin.disconnect();
    await stack.db.query(
      `UPDATE referral SET personal_data = 'wse1.no-such-key.AAAA.AAAA.AAAA' WHERE source_id = $1`,
      [unreadable.sourceRef.id],
    );

    await stack.start('dispatcher');

    const healthyRows = await eventually(
      async () => {
        const rows = await rowsOf(healthy.sourceRef.id);
        return rows.every((r) => r.published) ? rows : undefined;
      },
      'the healthy referral delivered',
      120_000,
    );
    expect(healthyRows.map((r) => r.recipient_id)).toContain('nl-hotline');
    await nlHotline.until(
      (all) => all.some((m) => m.value.includes(healthy.sourceRef.id)),
      'the healthy dispatch on nl-hotline',
    );

    // The referral whose persons cannot be opened: each dispatch that needs them is
    // dead-lettered, alone, and replayable once the key is back.
    const unreadableRows = await eventually(async () => {
      const rows = await rowsOf(unreadable.sourceRef.id);
      return rows.every((r) => r.published || r.dead_letter_reason) ? rows : undefined;
    }, 'the unreadable referral handled');
    const deadLettered = unreadableRows.filter((r) => r.dead_letter_reason);
    expect(deadLettered.length).toBeGreaterThan(0);
    for (const row of deadLettered) {
      expect(row.dead_letter_reason).toBe('personal_data_unreadable');
    }

    // The gone topic: its row is retried later, with backoff, and nothing else waits on it.
    const gone = await eventually(async () => {
      const rows = (await rowsOf(toGoneTopic.sourceRef.id)).filter(
        (r) => r.recipient_id === 'de-hotline',
      );
      return rows.length === 1 && rows[0]!.attempts > 0 ? rows[0] : undefined;
    }, 'the row for the gone topic retried');
    expect(gone).toMatchObject({ published: false, dead_letter_reason: null });
    expect(gone.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
