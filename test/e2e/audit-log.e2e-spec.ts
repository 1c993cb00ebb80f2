/**
 * The audit log (W11) on real PostgreSQL: the tables refuse UPDATE, DELETE and TRUNCATE;
 * events are sealed in the order their transactions can no longer change (an open
 * transaction holds back everything after it); `npm run audit -- verify` reports an intact
 * chain, and after a row is changed behind the trigger's back (as superuser, triggers off)
 * it points at exactly that link.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditChainRepository, AuditTrail, dataSourceOptions } from '@wissel/persistence';
import { SealAuditChainUseCase } from '@wissel/pipeline';
import { main as audit } from '../../scripts/audit';
import { eventually, TestStack } from '../support/stack';

describe('audit log', () => {
  let stack: TestStack;
  let dataSource: DataSource;
  let sealer: SealAuditChainUseCase;
  const trail = new AuditTrail();

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await audit(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { DATABASE_URL: stack.env.DATABASE_URL },
    });
    return { code, out, err };
  };

  /**
   * Seals until `n` more events are in: a transaction still open anywhere on the server
   * (another suite's) holds the horizon back for a moment.
   */
  const sealedAtLeast = async (n: number) => {
    let total = 0;
    await eventually(
      async () => ((total += await sealer.execute()) >= n ? true : undefined),
      `${n} sealed`,
    );
    expect(total).toBe(n);
  };

  const client = async () => {
    const c = new Client({ connectionString: stack.env.DATABASE_URL });
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    stack = await TestStack.create('audit_log', { messaging: 'postgres' });
    dataSource = new DataSource(dataSourceOptions(stack.env.DATABASE_URL));
    await dataSource.initialize();
    sealer = new SealAuditChainUseCase(new AuditChainRepository(dataSource));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await stack.close();
  });

  it('seals committed events in transaction order; an open transaction holds back later ones', async () => {
    const open = await client();
    try {
      await open.query('BEGIN');
      await trail.record(open, { action: 'test.first', subject: 's-1', actor: 'tester' });
      // Commits while the first transaction is still open: its txid is higher.
      await dataSource.transaction((m) =>
        trail.recordMany(m, [
          { action: 'test.second', subject: 's-2', actor: 'tester' },
          { action: 'test.third', subject: 's-3', actor: 'tester', details: { n: 3 } },
        ]),
      );
      expect(await sealer.execute()).toBe(0);
      await open.query('COMMIT');
    } finally {
      await open.end();
    }
    await sealedAtLeast(3);
    const { rows } = await stack.db.query<{ seq: string; action: string }>(
      `SELECT c.seq, e.action FROM audit_chain c JOIN audit_event e ON e.id = c.event_id ORDER BY c.seq`,
    );
    expect(rows.map((r) => [Number(r.seq), r.action])).toEqual([
      [1, 'test.first'],
      [2, 'test.second'],
      [3, 'test.third'],
    ]);
    // A rolled-back event never reaches the chain.
    await dataSource
      .transaction(async (m) => {
        await trail.record(m, { action: 'test.rolled_back', subject: 's-x', actor: 'tester' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await trail.record(dataSource, { action: 'test.fourth', subject: 's-4', actor: 'tester' });
    await sealedAtLeast(1);
    expect(await cli('verify')).toEqual({ code: 0, out: ['chain intact: 4 entries'], err: [] });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on both tables', async () => {
    for (const sql of [
      `UPDATE audit_event SET actor = 'someone-else'`,
      `DELETE FROM audit_event WHERE subject = 's-2'`,
      `TRUNCATE audit_event CASCADE`,
      `UPDATE audit_chain SET hash = repeat('0', 64)`,
      `DELETE FROM audit_chain`,
      `TRUNCATE audit_chain`,
    ]) {
      await expect(stack.db.query(sql)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/append-only/),
      });
    }
    expect((await cli('verify')).out).toEqual(['chain intact: 4 entries']);
  });

  it('lists the events about one subject with their place in the chain', async () => {
    const { code, out } = await cli('list', '--subject', 's-3');
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ seq: 3, actor: 'tester', action: 'test.third', details: { n: 3 } }),
    ]);
  });

  it('points at exactly the link whose event was changed behind the trigger', async () => {
    const { rows } = await stack.db.query<{ id: string; hash: string }>(
      `SELECT e.id, c.hash FROM audit_event e JOIN audit_chain c ON c.event_id = e.id WHERE c.seq = 2`,
    );
    const superuser = await client();
    try {
      // Superuser only: triggers (the append-only guard among them) do not fire.
      await superuser.query(`SET session_replication_role = replica`);
      await superuser.query(`UPDATE audit_event SET details = '{"n": 2}' WHERE id = $1`, [
        rows[0]!.id,
      ]);
    } finally {
      await superuser.end();
    }
    const verdict = await cli('verify');
    expect(verdict.code).toBe(3);
    expect(verdict.out).toHaveLength(1);
    expect(verdict.out[0]).toMatch(
      new RegExp(
        `^broken at seq 2 \\(entry id ${rows[0]!.id}\\): hash_mismatch: expected ${rows[0]!.hash}, found [0-9a-f]{64}$`,
      ),
    );
  });

  it('reports events the sealer left behind past the grace period', async () => {
    const fresh = await TestStack.create('audit_unsealed', { messaging: 'postgres' });
    try {
      await fresh.db.query(
        `INSERT INTO audit_event (actor, action, subject, occurred_at)
         VALUES ('tester', 'test.stale', 's-9', now() - interval '1 hour')`,
      );
      const out: string[] = [];
      const code = await audit(['verify'], {
        out: (l) => out.push(l),
        err: () => undefined,
        env: { DATABASE_URL: fresh.env.DATABASE_URL },
      });
      expect(code).toBe(4);
      expect(out[0]).toMatch(
        /^chain intact: 0 entries, but 1 event\(s\) older than 300 s are not sealed/,
      );
    } finally {
      await fresh.close();
    }
  });
});
