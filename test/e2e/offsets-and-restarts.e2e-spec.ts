/**
 * The router commits a Kafka offset only after the database commit. Stopped between
 * produce and processing, or interrupted inside its transaction, it loses nothing and
 * doubles nothing when it runs again.
 */
import { type Client } from 'pg';
import { Client as PgClient } from 'pg';
import { IntakeReferralsUseCase } from '@wissel/pipeline';
import { eventually, TestStack } from '../support/stack';
import { asMessage, canonicalReferral } from '../support/referrals';

describe('offsets are committed only after the database commit', () => {
  let stack: TestStack;
  const stored = (id: string) => stack.count(`referral WHERE source_id = $1`, [id]);
  const committed = () =>
    stack.committedOffset(stack.env.ROUTER_GROUP_ID!, stack.topics.canonicalIn);

  beforeAll(async () => {
    stack = await TestStack.create('offsets');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('processes what was produced while the router was stopped, once, across restarts', async () => {
    const referral = canonicalReferral();
    // Router down: the message waits in Kafka, uncommitted.
    const [offset] = await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    expect(await stored(referral.sourceRef.id)).toBe(0);

    await stack.start('router');
    await eventually(
      async () => (await stored(referral.sourceRef.id)) === 1,
      'the referral to be stored',
    );
    await eventually(
      async () => (await committed()) === BigInt(offset!) + 1n,
      'the offset to be committed',
    );
    await stack.stopApps();

    // A second start finds nothing new to do: still one referral, one outbox row.
    await stack.start('router');
    const next = canonicalReferral();
    await stack.produce(stack.topics.canonicalIn, [asMessage(next)]);
    await eventually(async () => (await stored(next.sourceRef.id)) === 1, 'the next referral');
    expect(await stored(referral.sourceRef.id)).toBe(1);
    expect(
      await stack.count(`outbox o JOIN referral r ON r.id = o.referral_id WHERE r.source_id = $1`, [
        referral.sourceRef.id,
      ]),
    ).toBe(1);
    await stack.stopApps();
  });

  it('hands each message to intake once: a committed batch is never fetched again', async () => {
    const router = await stack.start('router');
    const intake = router.get(IntakeReferralsUseCase);
    const handled: string[] = [];
    const original = intake.execute.bind(intake);
    jest.spyOn(intake, 'execute').mockImplementation(async (format, messages) => {
      handled.push(...messages.map((m) => m.offset));
      return original(format, messages);
    });
    const offsets = await stack.produce(stack.topics.canonicalIn, [
      asMessage(canonicalReferral()),
      asMessage(canonicalReferral()),
    ]);
    await eventually(
      async () => (await committed()) === BigInt(offsets[1]!) + 1n,
      'both committed',
    );
    // Give a re-fetch loop time to show itself: the consumer polls many times a second.
    await new Promise((r) => setTimeout(r, 1500));
    expect(handled).toEqual(offsets);
    await stack.stopApps();
  });

  it('commits a batch that finishes while the router is shutting down', async () => {
    await stack.start('router');
    const blocker: Client = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE referral IN SHARE ROW EXCLUSIVE MODE');
    const referral = canonicalReferral();
    const [offset] = await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
            AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO referral%'`,
      );
      return rows.length > 0;
    }, 'the router to be inside its batch');
    // Shut down mid-batch, then let the batch finish: shutdown waits for it and commits it.
    const stopping = stack.stopApps();
    await new Promise((r) => setTimeout(r, 300));
    await blocker.query('ROLLBACK');
    await blocker.end();
    await stopping;
    expect(await stored(referral.sourceRef.id)).toBe(1);
    expect(await committed()).toBe(BigInt(offset!) + 1n);
  });

  it('does not commit while the database transaction is open, nor when it fails', async () => {
    const router = await stack.start('router');
    void router;
    // Hold a lock that blocks inserts into referral: the router's transaction waits on it.
    const blocker: Client = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE referral IN SHARE ROW EXCLUSIVE MODE');

    const before = await committed();
    const referral = canonicalReferral();
    const [offset] = await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);

    // The router is inside its transaction, waiting for the lock…
    const waiting = await eventually(async () => {
      const { rows } = await stack.db.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO referral%'`,
      );
      return rows[0]?.pid;
    }, 'the router to wait on the lock');
    // …and the offset has not moved.
    expect(await committed()).toBe(before);

    // Kill the router's database session mid-transaction: the insert never commits.
    await stack.db.query('SELECT pg_terminate_backend($1)', [waiting]);
    await blocker.query('ROLLBACK');
    await blocker.end();

    // The batch is retried, stored exactly once, and only then committed.
    await eventually(
      async () => (await stored(referral.sourceRef.id)) === 1,
      'the retried referral to be stored',
    );
    await eventually(
      async () => (await committed()) === BigInt(offset!) + 1n,
      'the offset after the retry',
    );
    expect(await stored(referral.sourceRef.id)).toBe(1);
    await stack.stopApps();
  });
});
