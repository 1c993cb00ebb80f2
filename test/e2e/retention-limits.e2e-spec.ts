/**
 * Retention for the tables that grew without bound, on the real PostgreSQL with a running
 * router (embedded-mode messaging) and `npm run purge` with an injected clock:
 * - delivered dispatches (outbox rows) and ended lifecycles (dispatch_state with its acks)
 *   go after RETENTION_OUTBOX_DAYS; pending, dead-lettered, open, protected and young ones
 *   stay, and so does a removal dispatch its case still waits for (never acknowledged, or
 *   received and silent); a re-decision and a custody export still know what was purged;
 * - old referrals' PDQ hashes go from media_pdq, and the running router's in-memory index
 *   stops matching them; PDQ_INDEX_MAX_ENTRIES bounds that index;
 * - the oldest part of the audit chain is pruned behind an attested anchor: `npm run audit
 *   -- verify` still verifies the rest, and still finds a changed event, a forged anchor
 *   or a deleted entry; the append-only guard still refuses any other delete.
 */
import { type INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  AuditChainRepository,
  AuditTrail,
  CustodyRecordReader,
  dataSourceOptions,
  DecisionRecordRepository,
  DispatchLifecycleRepository,
} from '@wissel/persistence';
import {
  auditPrunePlanner,
  lockOrCreateDispatchState,
  PdqCaseIndex,
  SealAuditChainUseCase,
  VerifyAuditChainUseCase,
} from '@wissel/pipeline';
import { main as audit } from '../../scripts/audit';
import { main as purge } from '../../scripts/purge';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const DAY = 86_400_000;

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env },
  };
}

/** Stores `n` referrals through the running router; their ids in the order given. */
async function storeReferrals(stack: TestStack, n: number) {
  const referrals = Array.from({ length: n }, () => canonicalReferral());
  await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage));
  const sourceIds = referrals.map((r) => r.sourceRef.id);
  const rows = await eventually(async () => {
    const { rows } = await stack.db.query<{ id: string; source_id: string; pdq: string }>(
      `SELECT r.id, r.source_id, p.pdq FROM referral r JOIN media_pdq p ON p.referral_id = r.id
        WHERE r.source_id = ANY($1)`,
      [sourceIds],
    );
    const { rows: outbox } = await stack.db.query(
      `SELECT DISTINCT o.referral_id FROM outbox o JOIN referral r ON r.id = o.referral_id
        WHERE r.source_id = ANY($1)`,
      [sourceIds],
    );
    return rows.length === n && outbox.length === n ? rows : undefined;
  }, `${n} referrals stored with their PDQ hash and dispatches`);
  return sourceIds.map((s) => rows.find((r) => r.source_id === s)!);
}

describe('retention of dispatches, lifecycles and PDQ hashes (npm run purge)', () => {
  let stack: TestStack;
  let router: INestApplication;
  let dataSource: DataSource;
  // Every retention below is 30 days; the purge runs 60 days from now.
  const later = new Date(Date.now() + 60 * DAY);
  const clock = { now: () => later };
  const retention = {
    RETENTION_PERSONAL_DATA_DAYS: '0',
    RETENTION_RAW_PAYLOAD_DAYS: '0',
    RETENTION_DISPATCH_PAYLOAD_DAYS: '10',
    RETENTION_OUTBOX_DAYS: '30',
    RETENTION_CASE_MATCH_DAYS: '30',
    RETENTION_AUDIT_DAYS: '0',
  };
  const env = () => ({ ...stack.env, ...retention });
  type Kind =
    | 'ended'
    | 'unacked'
    | 'pending'
    | 'deadLettered'
    | 'openNotice'
    | 'held'
    | 'young'
    | 'idle'
    | 'liveUnacked'
    | 'liveIdle';
  const KINDS: Kind[] = [
    'ended',
    'unacked',
    'pending',
    'deadLettered',
    'openNotice',
    'held',
    'young',
    'idle',
    'liveUnacked',
    'liveIdle',
  ];
  const ids = {} as Record<Kind, { id: string; pdq: string }>;

  /** A dispatch_state row for the referral's first dispatch. */
  const state = (referralId: string, status: string, extra: string, values: string) =>
    stack.db.query(
      `INSERT INTO dispatch_state (dispatch_id, referral_id, case_id, recipient_id, status,
              dispatched_at, updated_at${extra})
       SELECT o.dispatch_id, o.referral_id, cs.case_id, o.recipient_id, $2,
              now(), now()${values}
         FROM outbox o JOIN case_source cs ON cs.referral_id = o.referral_id
        WHERE o.referral_id = $1 ORDER BY o.seq LIMIT 1`,
      [referralId, status],
    );

  beforeAll(async () => {
    stack = await TestStack.create('retention_limits', { messaging: 'postgres' });
    router = await stack.start('router', { PURGE_INTERVAL_MS: '0' });
    dataSource = new DataSource(dataSourceOptions(stack.env.DATABASE_URL));
    await dataSource.initialize();
    const stored = await storeReferrals(stack, KINDS.length);
    KINDS.forEach((kind, i) => (ids[kind] = stored[i]!));
    const all = stored.map((r) => r.id);
    const id = (kind: Kind) => ids[kind].id;

    // Delivered long ago, except: one still to publish, one dead-lettered and never
    // delivered, one delivered 45 days from now (15 days before the purge's clock).
    await stack.db.query(
      `UPDATE outbox SET published_at = now(), dead_lettered_at = NULL WHERE referral_id = ANY($1)`,
      [all],
    );
    await stack.db.query(`UPDATE outbox SET published_at = NULL WHERE referral_id = $1`, [
      id('pending'),
    ]);
    await stack.db.query(
      `UPDATE outbox SET published_at = NULL, dead_lettered_at = now(),
              dead_letter_reason = 'rejected' WHERE referral_id = $1`,
      [id('deadLettered')],
    );
    await stack.db.query(
      `UPDATE outbox SET published_at = now() + interval '45 days' WHERE referral_id = $1`,
      [id('young')],
    );
    await stack.db.query(
      `UPDATE referral SET received_at = now() + interval '45 days' WHERE id = $1`,
      [id('young')],
    );
    // Lifecycles: one ended (with an ack), one idle (received, no notice) and one open.
    await state(id('ended'), 'removed', ', ended_at', ', now()');
    await stack.db.query(
      `INSERT INTO dispatch_ack (received_at, channel, source, dispatch_id, recipient_id, kind,
              at, ack, outcome)
       SELECT now(), 'api', 'partner:x', s.dispatch_id, s.recipient_id, 'removed', now(), '{}', 'applied'
         FROM dispatch_state s WHERE s.referral_id = $1`,
      [id('ended')],
    );
    await state(id('idle'), 'received', ', received_at', ', now()');
    // The same two, but their case still open: the hoster never said it removed anything.
    await state(id('liveIdle'), 'received', ', received_at', ', now()');
    // The cases of the ended, unacknowledged and idle ones were closed (removal confirmed).
    await stack.db.query(
      `UPDATE "case" SET status = 'removed', removed_at = now()
        WHERE id IN (SELECT case_id FROM case_source WHERE referral_id = ANY($1))`,
      [[id('ended'), id('unacked'), id('idle')]],
    );
    await state(
      id('openNotice'),
      'notice_sent',
      ', notice_sent_at, notice_deadline, notice_reminder_at',
      `, now(), now() + interval '1 day', now() + interval '18 hours'`,
    );
    // Protected by a police hold on the decision in force.
    await stack.db.query(`UPDATE decision SET held = true WHERE referral_id = $1`, [id('held')]);
    // The running router's index holds every hash before the purge.
    const index = router.get(PdqCaseIndex);
    for (const kind of KINDS) {
      expect((await index.forBatch([ids[kind].pdq])).casesNear([ids[kind].pdq])).toHaveLength(1);
    }
  });

  afterAll(async () => {
    await dataSource.destroy();
    await stack.close();
  });

  const outboxOf = async (kind: Kind) =>
    stack.count(`outbox WHERE referral_id = $1`, [ids[kind].id]);
  const statesOf = async (kind: Kind) =>
    stack.count(`dispatch_state WHERE referral_id = $1`, [ids[kind].id]);

  it('--dry-run counts the lifecycles, dispatches and PDQ hashes that expired, changing nothing', async () => {
    const before = await stack.count(`outbox`);
    const run = io(env());
    expect(await purge(['--dry-run'], run.io, clock)).toBe(0);
    const report = JSON.parse(run.out[0]!);
    // Payloads are stripped by the same run before a dispatch may go: a dry run, which
    // strips nothing, counts none of the dispatches yet.
    expect(report).toMatchObject({ dispatch_state: 0, outbox: 0, audit_event: 0 });
    // Every referral but the young and the held one (the open notice protects its own).
    expect(report.case_match).toBe(KINDS.length - 3);
    expect(await stack.count(`outbox`)).toBe(before);
  });

  it('--now deletes ended and idle lifecycles and delivered dispatches; keeps pending, dead-lettered, open, held and young ones', async () => {
    const outboxBefore = Object.fromEntries(
      await Promise.all(KINDS.map(async (k) => [k, await outboxOf(k)] as const)),
    ) as Record<Kind, number>;
    const generation = async () =>
      Number(
        (await stack.db.query(`SELECT generation FROM pdq_index_generation`)).rows[0].generation,
      );
    const generationBefore = await generation();
    // Batches of 2: several per class.
    const run = io({ ...env(), PURGE_BATCH_SIZE: '2' });
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    const report = JSON.parse(run.out[0]!);
    expect(report.failed).toEqual([]);
    expect(report.dispatch_state).toBe(2);
    // Hashes went in several batches, but the routers rebuild their PDQ index once.
    expect(report.case_match).toBeGreaterThan(2);
    expect(await generation()).toBe(generationBefore + 1);
    const gone = outboxBefore.ended + outboxBefore.unacked + outboxBefore.idle;
    expect(report.outbox).toBe(gone);

    for (const kind of ['ended', 'unacked', 'idle'] as const) {
      expect(await outboxOf(kind)).toBe(0);
      expect(await statesOf(kind)).toBe(0);
    }
    expect(await stack.count(`dispatch_ack`)).toBe(0);
    for (const kind of [
      'pending',
      'deadLettered',
      'openNotice',
      'held',
      'young',
      'liveUnacked',
      'liveIdle',
    ] as const) {
      expect(await outboxOf(kind)).toBe(outboxBefore[kind]);
    }
    expect(await statesOf('openNotice')).toBe(1);
    expect(await statesOf('liveIdle')).toBe(1);
    // An undelivered row is never touched, whatever its age.
    expect(
      await stack.count(`outbox WHERE referral_id = $1 AND published_at IS NULL`, [ids.pending.id]),
    ).toBe(outboxBefore.pending);

    // Counted per kind, audited by class and count.
    const { rows: purged } = await stack.db.query(
      `SELECT data_class, sum(rows)::int AS n FROM purged_stats_daily
        WHERE data_class IN ('dispatch_state', 'outbox') GROUP BY 1 ORDER BY 1`,
    );
    expect(purged).toEqual([
      { data_class: 'dispatch_state', n: 2 },
      { data_class: 'outbox', n: gone },
    ]);
    const { rows: audited } = await stack.db.query(
      `SELECT subject FROM audit_event WHERE action = 'retention.purged'
        AND subject IN ('dispatch_state', 'outbox') ORDER BY subject`,
    );
    expect(audited.map((a: { subject: string }) => a.subject)).toEqual([
      'dispatch_state',
      'outbox',
    ]);
  });

  it('remembers who had a purged dispatch: no second send on a re-decision, and the custody record says so', async () => {
    const { rows } = await stack.db.query<{ recipient_id: string }>(
      `SELECT DISTINCT recipient_id FROM outbox WHERE referral_id = $1 ORDER BY 1`,
      [ids.held.id],
    );
    const recipients = rows.map((r) => r.recipient_id);
    const { rows: noted } = await stack.db.query(
      `SELECT purged_recipients, dispatches_purged_at IS NOT NULL AS purged FROM referral WHERE id = $1`,
      [ids.ended.id],
    );
    // Every referral here went to the same recipients as the held one.
    expect(noted[0]).toEqual({ purged_recipients: recipients, purged: true });
    const decisions = router.get(DecisionRecordRepository);
    expect((await decisions.dispatchedRecipients(ids.ended.id)).sort()).toEqual(recipients);

    const reader = new CustodyRecordReader(dataSource, new AuditTrail());
    const record = (await reader.read(ids.unacked.id))!;
    expect(record.dispatches).toEqual([]);
    expect(record.referral.purgedRecipients).toEqual(recipients);
    expect(record.referral.dispatchesPurgedAt).not.toBeNull();
  });

  it('keeps a case open whose hoster never confirmed removal: another dispatch confirming it does not close it', async () => {
    const lifecycle = new DispatchLifecycleRepository(dataSource);
    for (const kind of ['liveUnacked', 'liveIdle'] as const) {
      const { rows } = await stack.db.query<{ case_id: string }>(
        `SELECT case_id FROM case_source WHERE referral_id = $1`,
        [ids[kind].id],
      );
      // Another hoster's `removed` for the case: the purged-or-not dispatch decides.
      const closed = await lifecycle.transaction((tx) =>
        tx.markCaseRemoved(rows[0]!.case_id, randomUUID(), new Date()),
      );
      expect({ kind, closed }).toEqual({ kind, closed: false });
    }
  });

  it('counts the recipients of purged dispatches as live: a re-decision sends none of them the referral again', async () => {
    const lifecycle = new DispatchLifecycleRepository(dataSource);
    const { rows } = await stack.db.query<{ purged_recipients: string[] }>(
      `SELECT purged_recipients FROM referral WHERE id = $1`,
      [ids.unacked.id],
    );
    expect(rows[0]!.purged_recipients.length).toBeGreaterThan(0);
    expect((await lifecycle.liveRecipients(ids.unacked.id)).sort()).toEqual(
      rows[0]!.purged_recipients,
    );
  });

  it('deletes old PDQ hashes and the running router stops matching them; young and protected ones still match', async () => {
    // They all matched before the purge (beforeAll), which ran apart from the router.
    const index = router.get(PdqCaseIndex);
    const near = async (kind: Kind) =>
      (await index.forBatch([ids[kind].pdq])).casesNear([ids[kind].pdq]).length;
    expect(await stack.count(`media_pdq WHERE referral_id = $1`, [ids.ended.id])).toBe(0);
    expect(await near('ended')).toBe(0);
    expect(await near('unacked')).toBe(0);
    expect(await near('young')).toBe(1);
    expect(await near('held')).toBe(1);
    expect(await near('openNotice')).toBe(1);
    const { rows } = await stack.db.query(
      `SELECT sum(rows)::int AS n FROM purged_stats_daily WHERE data_class = 'case_match'`,
    );
    expect(rows[0].n).toBe(KINDS.length - 3);
  });

  it('is idempotent: a second run deletes nothing more, and no router rebuilds its PDQ index', async () => {
    const { rows: before } = await stack.db.query(`SELECT generation FROM pdq_index_generation`);
    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    const { rows: after } = await stack.db.query(`SELECT generation FROM pdq_index_generation`);
    expect(after).toEqual(before);
    expect(JSON.parse(run.out[0]!)).toMatchObject({
      dispatch_state: 0,
      outbox: 0,
      case_match: 0,
    });
  });
});

describe('the dispatch purge racing an ack or a re-decision', () => {
  let stack: TestStack;
  let dataSource: DataSource;

  beforeAll(async () => {
    stack = await TestStack.create('retention_ack_race', { messaging: 'postgres' });
    await stack.start('router', { PURGE_INTERVAL_MS: '0' });
    dataSource = new DataSource(dataSourceOptions(stack.env.DATABASE_URL));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await stack.close();
  });

  it('starts no lifecycle from a dispatch the purge deletes meanwhile', async () => {
    const [stored] = await storeReferrals(stack, 1);
    const { rows } = await stack.db.query<{ dispatch_id: string }>(
      `SELECT dispatch_id FROM outbox
        WHERE referral_id = $1 AND payload->>'schema' = 'wissel.dispatch/1' LIMIT 1`,
      [stored!.id],
    );
    const dispatchId = rows[0]!.dispatch_id;
    const lifecycle = new DispatchLifecycleRepository(dataSource);
    // The purge's delete, not yet committed when the ack reads the dispatch.
    const purge = new Client({ connectionString: stack.env.DATABASE_URL });
    await purge.connect();
    try {
      await purge.query('BEGIN');
      await purge.query(`DELETE FROM outbox WHERE dispatch_id = $1`, [dispatchId]);
      const started = lifecycle.transaction((tx) =>
        lockOrCreateDispatchState(lifecycle, tx, dispatchId),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await purge.query('COMMIT');
      expect(await started).toBeUndefined();
    } finally {
      await purge.end();
    }
    expect(await stack.count(`dispatch_state WHERE dispatch_id = $1`, [dispatchId])).toBe(0);
  });

  it('skips the dispatches of a referral a re-decision holds: a police hold it commits meanwhile is not raced', async () => {
    const [stored] = await storeReferrals(stack, 1);
    await stack.db.query(
      `UPDATE outbox SET published_at = now(), dead_lettered_at = NULL WHERE referral_id = $1`,
      [stored!.id],
    );
    await stack.db.query(
      `UPDATE "case" SET status = 'removed', removed_at = now()
        WHERE id IN (SELECT case_id FROM case_source WHERE referral_id = $1)`,
      [stored!.id],
    );
    const outbox = await stack.count(`outbox WHERE referral_id = $1`, [stored!.id]);
    expect(outbox).toBeGreaterThan(0);
    const later = new Date(Date.now() + 60 * DAY);
    const env = {
      ...stack.env,
      RETENTION_DISPATCH_PAYLOAD_DAYS: '10',
      RETENTION_OUTBOX_DAYS: '30',
    };
    // storeRedecision locks the referral row, then writes a decision the police hold.
    const redecision = new Client({ connectionString: stack.env.DATABASE_URL });
    await redecision.connect();
    try {
      await redecision.query('BEGIN');
      await redecision.query(`SELECT 1 FROM referral WHERE id = $1 FOR UPDATE`, [stored!.id]);
      const run = io(env);
      const purged = purge(['--now'], run.io, { now: () => later });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await redecision.query(`UPDATE decision SET held = true WHERE referral_id = $1`, [
        stored!.id,
      ]);
      await redecision.query('COMMIT');
      expect(await purged).toBe(0);
    } finally {
      await redecision.end();
    }
    // Skipped while the referral was held by the re-decision, protected by the hold since.
    expect(await stack.count(`outbox WHERE referral_id = $1`, [stored!.id])).toBe(outbox);
    const run = io(env);
    expect(await purge(['--now'], run.io, { now: () => later })).toBe(0);
    expect(await stack.count(`outbox WHERE referral_id = $1`, [stored!.id])).toBe(outbox);
  });
});

describe('the router PDQ index at PDQ_INDEX_MAX_ENTRIES', () => {
  let stack: TestStack;
  let router: INestApplication;

  beforeAll(async () => {
    stack = await TestStack.create('pdq_index_limit', { messaging: 'postgres' });
    router = await stack.start('router', { PURGE_INTERVAL_MS: '0', PDQ_INDEX_MAX_ENTRIES: '5' });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('holds at most the limit, keeps the newest and counts the evicted', async () => {
    const stored = await storeReferrals(stack, 8);
    const index = router.get(PdqCaseIndex);
    const near = async (pdq: string) => (await index.forBatch([pdq])).casesNear([pdq]).length;
    const { rows } = await stack.db.query<{ pdq: string }>(`SELECT pdq FROM media_pdq ORDER BY id`);
    expect(rows.length).toBeGreaterThanOrEqual(stored.length);
    expect(await near(rows[rows.length - 1]!.pdq)).toBe(1);
    expect(index.size).toBeLessThanOrEqual(5);
    expect(await near(rows[0]!.pdq)).toBe(0);
    const metrics = (await request(router.getHttpServer()).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^wissel_pdq_index_evictions_total [1-9]\d*$/m);
  });
});

describe('audit log retention: pruning behind an anchor', () => {
  let stack: TestStack;
  let dataSource: DataSource;
  let sealer: SealAuditChainUseCase;
  const trail = new AuditTrail();
  const later = new Date(Date.now() + 60 * DAY);
  const clock = { now: () => later };
  const env = () => ({ ...stack.env, RETENTION_AUDIT_DAYS: '30' });

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await audit(argv, {
      out: (l) => out.push(l),
      err: () => undefined,
      env: { DATABASE_URL: stack.env.DATABASE_URL },
    });
    return { code, out };
  };
  /** Seals until nothing is left unsealed (another suite's open transaction may hold it back). */
  const sealAll = () =>
    eventually(async () => {
      await sealer.execute();
      const left = await stack.count(
        `audit_event e WHERE NOT EXISTS
           (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
      );
      return left === 0 ? true : undefined;
    }, 'every event sealed');
  const superuser = async (sql: string, params: unknown[] = []) => {
    const c = new Client({ connectionString: stack.env.DATABASE_URL });
    await c.connect();
    try {
      // Triggers (the append-only guard among them) do not fire.
      await c.query(`SET session_replication_role = replica`);
      return await c.query(sql, params);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    stack = await TestStack.create('audit_retention', { messaging: 'postgres' });
    dataSource = new DataSource(dataSourceOptions(stack.env.DATABASE_URL));
    await dataSource.initialize();
    sealer = new SealAuditChainUseCase(new AuditChainRepository(dataSource));
    for (let i = 0; i < 12; i++) {
      await trail.record(dataSource, { action: 'test.event', subject: `s-${i}`, actor: 'tester' });
    }
    await sealAll();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await stack.close();
  });

  it('prunes the old events but the head, in bounded batches, and the rest still verifies from the anchor', async () => {
    const total = await stack.count(`audit_chain`);
    const dry = io(env());
    expect(await purge(['--dry-run'], dry.io, clock)).toBe(0);
    expect(JSON.parse(dry.out[0]!).audit_event).toBe(total - 1);

    // Batches of 5: several transactions, each with its anchor and audit.pruned event.
    const run = io({ ...env(), PURGE_BATCH_SIZE: '5' });
    expect({ code: await purge(['--now'], run.io, clock), err: run.err }).toEqual({
      code: 0,
      err: [],
    });
    expect(JSON.parse(run.out[0]!).audit_event).toBe(total - 1);
    const { rows: anchors } = await stack.db.query(
      `SELECT through_seq::int AS seq, pruned_events::int AS n FROM audit_anchor ORDER BY id`,
    );
    expect(anchors).toEqual([
      { seq: 5, n: 5 },
      { seq: 10, n: 5 },
      { seq: total - 1, n: total - 11 },
    ]);
    expect(await stack.count(`audit_chain WHERE seq < $1`, [total])).toBe(0);
    expect(await stack.count(`audit_event WHERE action = 'test.event'`)).toBe(1);
    const { rows: stats } = await stack.db.query(
      `SELECT sum(rows)::int AS n FROM purged_stats_daily WHERE data_class = 'audit_event'`,
    );
    expect(stats[0].n).toBe(total - 1);

    await sealAll();
    const verdict = await cli('verify');
    expect(verdict).toEqual({
      code: 0,
      out: [
        expect.stringMatching(
          new RegExp(`^chain intact: \\d+ entries, after the first ${total - 1} pruned$`),
        ),
      ],
    });
    // The prune is an audited fact, sealed into the chain after the anchor it names.
    const { rows: pruned } = await stack.db.query(
      `SELECT e.details FROM audit_event e JOIN audit_chain c ON c.event_id = e.id
        WHERE e.action = 'audit.pruned' ORDER BY c.seq`,
    );
    expect(pruned.map((p: { details: { throughSeq: number } }) => p.details.throughSeq)).toEqual([
      5,
      10,
      total - 1,
    ]);
  });

  it('still refuses any delete outside a prune, and inside one any above the anchor', async () => {
    await expect(stack.db.query(`DELETE FROM audit_event`)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(stack.db.query(`DELETE FROM audit_anchor`)).rejects.toMatchObject({
      code: '42501',
    });
    const c = new Client({ connectionString: stack.env.DATABASE_URL });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('wissel.audit_prune', 'on', true)`);
      await expect(
        c.query(`DELETE FROM audit_chain WHERE seq = (SELECT max(seq) FROM audit_chain)`),
      ).rejects.toMatchObject({ code: '42501' });
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
    expect((await cli('verify')).code).toBe(0);
  });

  /** The entry before the head, as a forged anchor would copy it, and the latest anchor. */
  const beforeHead = async () => {
    const { rows } = await stack.db.query<{ seq: string; hash: string; txid: string; id: string }>(
      `SELECT c.seq::text, c.hash, e.txid::text, e.id::text FROM audit_chain c
         JOIN audit_event e ON e.id = c.event_id ORDER BY c.seq DESC LIMIT 1 OFFSET 1`,
    );
    const { rows: anchors } = await stack.db.query<{ seq: string }>(
      `SELECT max(through_seq)::text AS seq FROM audit_anchor`,
    );
    return { ...rows[0]!, previous: Number(anchors[0]!.seq) };
  };
  const insertAnchor = (
    q: Pick<Client, 'query'>,
    a: { seq: string; hash: string; txid: string; id: string; n: number },
  ) =>
    q.query(
      `INSERT INTO audit_anchor (through_seq, through_hash, through_txid, through_event_id,
              pruned_events, cutoff)
       VALUES ($1, $2, $3::xid8, $4, $5, now())`,
      [a.seq, a.hash, a.txid, a.id, a.n],
    );

  it('refuses to write an anchor that is not the stored chain: above the head, a made-up hash or txid, not after the last anchor', async () => {
    const entry = await beforeHead();
    const n = Number(entry.seq) - entry.previous;
    const head = String(Number(entry.seq) + 1);
    const refused = { code: '42501' };
    // Above the chain head: would let the whole chain go.
    await expect(insertAnchor(stack.db, { ...entry, seq: head, n: n + 1 })).rejects.toMatchObject(
      refused,
    );
    await expect(
      insertAnchor(stack.db, { ...entry, hash: 'f'.repeat(64), n }),
    ).rejects.toMatchObject(refused);
    // A txid past the entry's: would let unsealed events go.
    await expect(insertAnchor(stack.db, { ...entry, txid: '9999999999', n })).rejects.toMatchObject(
      refused,
    );
    await expect(insertAnchor(stack.db, { ...entry, n: n + 5 })).rejects.toMatchObject(refused);
    expect(await stack.count(`audit_anchor`)).toBe(3);
  });

  it('refuses an anchor the log does not attest, and any delete behind it from another transaction', async () => {
    const forged = await beforeHead();
    // The entry's real values: the insert goes through, only the log does not attest it.
    await insertAnchor(stack.db, { ...forged, n: Number(forged.seq) - forged.previous });
    const verdict = await cli('verify');
    expect(verdict.code).toBe(3);
    expect(verdict.out[0]).toMatch(new RegExp(`^broken at seq ${forged.seq} .*anchor_unattested`));
    // The setting is anyone's, but the anchor is not this transaction's: nothing goes.
    const c = new Client({ connectionString: stack.env.DATABASE_URL });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('wissel.audit_prune', 'on', true)`);
      await expect(
        c.query(`DELETE FROM audit_chain WHERE seq <= $1`, [forged.seq]),
      ).rejects.toMatchObject({ code: '42501' });
      await c.query('ROLLBACK');
    } finally {
      await c.end();
    }
    await superuser(`DELETE FROM audit_anchor WHERE through_seq = $1`, [forged.seq]);
    expect((await cli('verify')).code).toBe(0);
  });

  it('verifies on one snapshot: a prune committing between reading the anchor and the entries is no break', async () => {
    for (let i = 0; i < 3; i++) {
      await trail.record(dataSource, { action: 'test.event', subject: `t-${i}`, actor: 'tester' });
    }
    await sealAll();
    const cutoff = new Date(later.getTime() - 30 * DAY);
    const pruner = new AuditChainRepository(dataSource);
    /** Prunes (committed, another connection) right after the verifier read the anchor. */
    let pruned: number | undefined;
    class PruneAfterAnchor extends AuditChainRepository {
      override async anchor() {
        const anchor = await super.anchor();
        pruned ??= await pruner.prune(cutoff, 1000, auditPrunePlanner(cutoff));
        return anchor;
      }
    }
    const verdict = await new VerifyAuditChainUseCase(new PruneAfterAnchor(dataSource)).execute({
      unsealedGraceMs: 300_000,
    });
    expect(pruned).toBeGreaterThan(0);
    expect(verdict).toMatchObject({ intact: true });
    await sealAll();
    expect((await cli('verify')).code).toBe(0);
  });

  it('refuses to prune over a break: the changed event stays for verify to find, and the class is reported failed', async () => {
    for (let i = 0; i < 3; i++) {
      await trail.record(dataSource, { action: 'test.event', subject: `u-${i}`, actor: 'tester' });
    }
    await sealAll();
    const { rows } = await stack.db.query<{ seq: string; id: string; details: unknown }>(
      `SELECT c.seq::text, e.id::text, e.details FROM audit_chain c
         JOIN audit_event e ON e.id = c.event_id ORDER BY c.seq LIMIT 1`,
    );
    const first = rows[0]!;
    await superuser(`UPDATE audit_event SET details = '{"changed": true}' WHERE id = $1`, [
      first.id,
    ]);
    const chainBefore = await stack.count(`audit_chain`);
    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(1);
    const report = JSON.parse(run.out[0]!);
    expect(report).toMatchObject({ audit_event: 0, failed: ['audit_event'] });
    expect(await stack.count(`audit_chain`)).toBe(chainBefore);
    expect((await cli('verify')).out[0]).toMatch(
      new RegExp(`^broken at seq ${first.seq} .*hash_mismatch`),
    );
    await superuser(`UPDATE audit_event SET details = $2 WHERE id = $1`, [
      first.id,
      JSON.stringify(first.details),
    ]);
    expect((await cli('verify')).code).toBe(0);
  });

  it('still finds a kept event changed behind the trigger, and an entry deleted after the anchor', async () => {
    const { rows } = await stack.db.query<{ seq: string; id: string }>(
      `SELECT c.seq::text, e.id::text FROM audit_chain c JOIN audit_event e ON e.id = c.event_id
        ORDER BY c.seq LIMIT 1`,
    );
    const first = rows[0]!;
    await superuser(`UPDATE audit_event SET details = '{"changed": true}' WHERE id = $1`, [
      first.id,
    ]);
    const changed = await cli('verify');
    expect(changed.code).toBe(3);
    expect(changed.out[0]).toMatch(
      new RegExp(`^broken at seq ${first.seq} \\(entry id ${first.id}\\): hash_mismatch`),
    );
    await superuser(`DELETE FROM audit_chain WHERE seq = $1`, [first.seq]);
    const deleted = await cli('verify');
    expect(deleted.code).toBe(3);
    expect(deleted.out[0]).toMatch(/seq_gap: expected seq \d+, found seq \d+/);
  });
});
