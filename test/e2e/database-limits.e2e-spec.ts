/**
 * What keeps one slow statement, one forgotten transaction or one missing index from
 * stalling a lane, on the real PostgreSQL: the apps' connections carry a statement timeout
 * and an idle-in-transaction timeout (DB_*_TIMEOUT_MS), and the questions asked on every
 * decision and lifecycle step are answered from an index.
 */
import { type INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TestStack } from '../support/stack';

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
