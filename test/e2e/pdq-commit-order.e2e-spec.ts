/**
 * The PDQ near-duplicate index against the real PostgreSQL when rows commit out of id
 * order, as they do with several partitions or routers: a row whose transaction took its
 * id before another's but committed after the index read past it is still found.
 */
import { randomBytes } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { PdqCaseIndex } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

describe('PDQ index and commit order', () => {
  let stack: TestStack;
  let router: INestApplication;

  beforeAll(async () => {
    stack = await TestStack.create('pdq_order', { messaging: 'postgres' });
    router = await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('finds a hash whose row committed after a higher id was read', async () => {
    const referral = canonicalReferral();
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const stored = await eventually(async () => {
      const { rows } = await stack.db.query<{ case_id: string; referral_id: string }>(
        `SELECT p.case_id, p.referral_id FROM media_pdq p JOIN referral r ON r.id = p.referral_id
          WHERE r.source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0];
    }, 'the referral and its PDQ hash stored');
    const [early, late] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    const insert = `INSERT INTO media_pdq (case_id, referral_id, pdq) VALUES ($1, $2, $3) RETURNING id`;
    const params = (pdq: string) => [stored.case_id, stored.referral_id, pdq];

    // One transaction takes the lower id and stays open; another takes the next and commits.
    const slow = new Client({ connectionString: stack.env.DATABASE_URL });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const first = await slow.query<{ id: string }>(insert, params(early));
      const second = await stack.db.query<{ id: string }>(insert, params(late));
      expect(BigInt(second.rows[0]!.id)).toBeGreaterThan(BigInt(first.rows[0]!.id));

      const index = router.get(PdqCaseIndex);
      // The index reads past the open transaction's id.
      expect((await index.forBatch([late])).casesNear([late])).toEqual([stored.case_id]);
      expect((await index.forBatch([early])).casesNear([early])).toEqual([]);
      await slow.query('COMMIT');
      expect((await index.forBatch([early])).casesNear([early])).toEqual([stored.case_id]);
    } finally {
      await slow.end();
    }
  });
});
