import { type EntityManager } from 'typeorm';
import { CaseClaims, type ClaimRequest } from './case-claims';

/**
 * The in-memory half of the batched claim: given what the database answered (which keys the
 * batch inserted, which are held by other cases), referrals attach in batch order as if each
 * had claimed alone. The statements themselves run against PostgreSQL in
 * test/e2e/dedup-and-cases.e2e-spec.ts.
 */
interface Held {
  kind: string;
  key: string;
  case_id: string;
  status: 'open' | 'removed';
  created_us: string;
}

function fakeManager(held: Held[]) {
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  const manager = {
    query: async (sql: string, params: unknown[] = []) => {
      statements.push({ sql, params });
      if (sql.startsWith('INSERT INTO "case"')) {
        return (params[0] as string[]).map(() => ({ created_us: '2000' }));
      }
      if (sql.startsWith('INSERT INTO dedup_key')) {
        const [kinds, keys] = params as [string[], string[]];
        return kinds
          .map((kind, i) => ({ kind, key: keys[i]! }))
          .filter((k) => !held.some((h) => h.kind === k.kind && h.key === k.key));
      }
      if (sql.includes('FROM dedup_key d JOIN "case"')) {
        const [kinds, keys] = params as [string[], string[]];
        return held.filter((h) => kinds.some((k, i) => k === h.kind && keys[i] === h.key));
      }
      return [];
    },
  };
  return { manager: manager as unknown as EntityManager, statements };
}

const request = (referralId: string, urlKeys: string[], md5: string[] = []): ClaimRequest => ({
  referralId,
  keys: { urlKeys, hashes: md5.map((key) => ({ kind: 'md5' as const, key })) },
});

describe('CaseClaims', () => {
  it('lets a later referral of the batch join the case of an earlier one', async () => {
    const { manager, statements } = fakeManager([]);
    const claims = await CaseClaims.claim(manager, [
      request('a', ['u1'], ['h1']),
      request('b', ['u2'], ['h1']),
      request('c', ['u1']),
    ]);
    const a = await claims.attach('a', []);
    const b = await claims.attach('b', []);
    const c = await claims.attach('c', []);
    await claims.finish();

    expect(a).toMatchObject({ layer: 'new', matches: [], newUrlKeys: ['u1'] });
    expect(b).toMatchObject({
      caseId: a.caseId,
      layer: 'media_hash',
      matches: [{ kind: 'md5', key: 'h1', caseId: a.caseId }],
      newUrlKeys: ['u2'],
    });
    expect(c).toMatchObject({ caseId: a.caseId, layer: 'url', newUrlKeys: [] });
    // One statement per kind of row for the whole batch.
    expect(statements.map((s) => s.sql.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'INSERT INTO "case"',
      'INSERT INTO dedup_key',
      'UPDATE dedup_key d',
      'DELETE FROM "case"',
      'INSERT INTO case_source',
    ]);
    // b's own key u2 moves from b's candidate to a's case; b's and c's candidates go.
    const moved = statements[2]!.params as string[][];
    expect(moved[0]).toEqual(['url']);
    expect(moved[1]).toEqual(['u2']);
    expect(moved[3]).toEqual([a.caseId]);
    expect(statements[3]!.params[0]).toHaveLength(2);
  });

  it('joins the oldest open case, a URL match first, and re-uploads removed material', async () => {
    const held: Held[] = [
      { kind: 'md5', key: 'old', case_id: 'c-old', status: 'open', created_us: '100' },
      { kind: 'md5', key: 'new', case_id: 'c-new', status: 'open', created_us: '900' },
      { kind: 'url', key: 'gone', case_id: 'c-removed', status: 'removed', created_us: '50' },
    ];
    const { manager, statements } = fakeManager(held);
    const claims = await CaseClaims.claim(manager, [
      request('x', ['fresh'], ['new', 'old']),
      request('y', ['gone']),
      request('z', ['gone']),
    ]);
    const x = await claims.attach('x', []);
    const y = await claims.attach('y', []);
    const z = await claims.attach('z', []);
    await claims.finish();

    expect(x).toMatchObject({ caseId: 'c-old', layer: 'media_hash' });
    expect(x.matches.map((m) => m.caseId)).toEqual(['c-old', 'c-new']);
    expect(y).toMatchObject({ layer: 'reupload', previousCaseId: 'c-removed' });
    expect(y.caseId).not.toBe('c-removed');
    // The removed case's key now belongs to the new incident: a later report joins it.
    expect(z).toMatchObject({ caseId: y.caseId, layer: 'url' });
    const previous = statements.find((s) => s.sql.startsWith('UPDATE "case"'))!;
    expect(previous.params).toEqual([[y.caseId], ['c-removed']]);
  });

  it('reads the status of stored near-duplicate cases once and keeps only open ones', async () => {
    const { manager, statements } = fakeManager([]);
    const claims = await CaseClaims.claim(manager, [request('p', ['u9'])]);
    (manager as unknown as { query: unknown }).query = async (sql: string) => {
      statements.push({ sql, params: [] });
      return sql.startsWith('SELECT id, status')
        ? [
            { id: 'pdq-removed', status: 'removed', created_us: '1' },
            { id: 'pdq-open', status: 'open', created_us: '2' },
          ]
        : [];
    };
    const p = await claims.attach('p', ['pdq-removed', 'pdq-open']);
    expect(p).toMatchObject({ caseId: 'pdq-open', layer: 'pdq' });
    expect(p.matches).toEqual([{ kind: 'pdq', caseId: 'pdq-open' }]);
  });
});
