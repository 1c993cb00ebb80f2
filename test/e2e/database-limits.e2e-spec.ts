/**
 * What keeps one slow statement, one forgotten transaction or one missing index from
 * stalling a lane, on the real PostgreSQL: the apps' connections carry a statement timeout
 * and an idle-in-transaction timeout (DB_*_TIMEOUT_MS), and the questions asked on every
 * decision and lifecycle step are answered from an index. The two transactions that wait on
 * purpose (the relay's on a broker or webhook, the embedded consumer's on its handler) are
 * exempt from the idle timeout.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parse, stringify } from 'yaml';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack } from '../support/stack';

describe('database limits', () => {
  let stack: TestStack;
  let router: INestApplication;

  beforeAll(async () => {
    stack = await TestStack.create('db_limits', { messaging: 'postgres' });
    router = await stack.start('router', {
      DB_STATEMENT_TIMEOUT_MS: '300',
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '500',
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it("cancels an app's statement that runs past DB_STATEMENT_TIMEOUT_MS", async () => {
    const db = router.get(DataSource);
    expect(await db.query(`SHOW statement_timeout`)).toEqual([{ statement_timeout: '300ms' }]);
    await expect(db.query(`SELECT pg_sleep(2)`)).rejects.toMatchObject({ code: '57014' });
    // The pool is still usable afterwards.
    expect(await db.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });

  it('ends a transaction left idle past DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, freeing its locks', async () => {
    const db = router.get(DataSource);
    await stack.db.query(`CREATE TABLE idle_probe (id int PRIMARY KEY)`);
    await stack.db.query(`INSERT INTO idle_probe VALUES (1)`);
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT * FROM idle_probe WHERE id = 1 FOR UPDATE`);
      // A hung process: the transaction holds its row lock and does nothing.
      await new Promise((r) => setTimeout(r, 1_200));
      // Another session takes the lock at once: PostgreSQL ended the idle transaction.
      await stack.db.query(`SET lock_timeout = '200ms'`);
      await expect(
        stack.db.query(`SELECT * FROM idle_probe WHERE id = 1 FOR UPDATE`),
      ).resolves.toMatchObject({ rowCount: 1 });
      await expect(runner.query(`SELECT 1`)).rejects.toThrow();
    } finally {
      await runner.release();
      await stack.db.query(`RESET lock_timeout`);
    }
  });

  it.each([
    [
      'whether a decision is still in force',
      `SELECT d.id FROM decision d
        WHERE d.referral_id = '00000000-0000-4000-8000-000000000001'
          AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`,
      'ix_decision_supersedes',
    ],
    [
      "a referral's dispatch states",
      `SELECT 1 FROM dispatch_state s WHERE s.referral_id = '00000000-0000-4000-8000-000000000001'`,
      'ix_dispatch_state_referral',
    ],
    [
      'the decisions a police hold holds',
      `SELECT d.id FROM decision d
        WHERE d.held AND d.evidence->'facts'->'holds' @> jsonb_build_array(jsonb_build_object('id', 'h-1'::text))`,
      'ix_decision_held_holds',
    ],
    [
      'every held decision (the hold sweeper, each minute)',
      `SELECT d.referral_id FROM decision d WHERE d.held`,
      'ix_decision_held',
    ],
    [
      'the old referrals whose PDQ hashes the retention purge has not taken yet',
      `SELECT r.id FROM referral r
        WHERE r.pdq_purged_at IS NULL AND r.received_at < now() - interval '730 days'
        ORDER BY r.received_at LIMIT 1000`,
      'ix_referral_pdq_unpurged',
    ],
    [
      "an old referral's PDQ hashes (the retention purge)",
      `SELECT p.id FROM media_pdq p WHERE p.referral_id = '00000000-0000-4000-8000-000000000001'`,
      'ix_media_pdq_referral',
    ],
    [
      'the lifecycles last changed before a cutoff (the retention purge)',
      `SELECT s.dispatch_id FROM dispatch_state s WHERE s.updated_at < now() - interval '730 days'
        ORDER BY s.updated_at LIMIT 1000`,
      'ix_dispatch_state_updated',
    ],
  ])('answers %s from an index', async (_question, sql, index) => {
    // With sequential scans priced out, the plan names the index if there is one to use.
    await stack.db.query(`SET enable_seqscan = off`);
    try {
      const { rows } = await stack.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain(index);
    } finally {
      await stack.db.query(`RESET enable_seqscan`);
    }
  });
});

describe('database limits: transactions that wait on purpose', () => {
  const IDLE_MS = 200;
  let stack: TestStack;
  let webhook: Server;
  /** Requests per dispatch id; each is answered only after 1 s, five times IDLE_MS. */
  const requests = new Map<string, number>();

  beforeAll(async () => {
    stack = await TestStack.create('db_idle', { messaging: 'postgres' });
    webhook = createServer((req, res) => {
      const dispatchId = String(req.headers['idempotency-key'] ?? '').replace(/^"|"$/g, '');
      req.resume();
      req.on('end', () => {
        requests.set(dispatchId, (requests.get(dispatchId) ?? 0) + 1);
        setTimeout(() => res.writeHead(200).end(), 5 * IDLE_MS);
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const { port } = webhook.address() as AddressInfo;
    // The routing rules as shipped, with de-hotline taking its dispatches by a slow webhook.
    const rules = parse(readFileSync(ROUTING_CONFIG, 'utf8'));
    rules.recipients['de-hotline'] = {
      ...rules.recipients['de-hotline'],
      delivery: 'webhook',
      webhook: { url: `http://127.0.0.1:${port}/hooks/wissel`, timeoutMs: 5000 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'wissel-db-idle-'));
    writeFileSync(join(dir, 'routing.yaml'), stringify(rules));
    const settings = {
      ROUTING_CONFIG: join(dir, 'routing.yaml'),
      SIGNING_DEV_KEY_DIR: join(dir, 'keys'),
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(IDLE_MS),
    };
    await stack.start('router', settings);
    await stack.start('dispatcher', settings);
  });

  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  it('lets the relay hold its claimed rows while a webhook answers slower than the idle timeout', async () => {
    const referral = canonicalReferral({ hints: { hostingCountry: 'DE' } });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const dispatchId = await eventually(async () => {
      const { rows } = await stack.db.query<{ dispatch_id: string }>(
        `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'de-hotline'`,
        [referral.sourceRef.id],
      );
      return rows[0]?.dispatch_id;
    }, 'the de-hotline dispatch');
    // The round waits a second on the webhook inside its transaction, then records it.
    const row = await eventually(async () => {
      const { rows } = await stack.db.query<{ published_at: Date | null; attempts: number }>(
        `SELECT published_at, attempts FROM outbox WHERE dispatch_id = $1`,
        [dispatchId],
      );
      return rows[0]?.published_at ? rows[0] : undefined;
    }, 'the webhook dispatch recorded as delivered');
    expect(row.attempts).toBe(1);
    expect(requests.get(dispatchId)).toBe(1);
  });

  it('lets the embedded consumer hold its offset while a batch takes longer than the idle timeout', async () => {
    // The host never answers: its trace waits out the DNS timeout (300 ms) in the handler.
    stack.dns.silence('silent.idle.test');
    const referral = canonicalReferral({
      locators: [{ kind: 'web_page', url: 'https://silent.idle.test/x.jpg' }],
      hints: { hostingCountry: 'NL' },
    });
    const [offset] = await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    await eventually(async () => {
      const { rows } = await stack.db.query<{ next_offset: string }>(
        `SELECT next_offset FROM consumer_offset WHERE group_id = $1 AND topic = $2`,
        [stack.env.ROUTER_GROUP_ID, stack.topics.canonicalIn],
      );
      return BigInt(rows[0]?.next_offset ?? 0) > BigInt(offset!) ? true : undefined;
    }, 'the referral consumed');
    expect(stack.dns.queries('silent.idle.test')).toBeGreaterThan(0);
    expect(await stack.count(`referral WHERE source_id = $1`, [referral.sourceRef.id])).toBe(1);
  });
});
