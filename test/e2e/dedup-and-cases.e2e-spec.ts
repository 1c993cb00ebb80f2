/**
 * De-duplication in layers on the real stack: the same URL written differently, the same
 * file at another URL, a perceptual near-duplicate, a re-upload after removal, known
 * material — and two routers racing on the same material making one case.
 */
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { Client as PgClient } from 'pg';
import { CaseRepository } from '@wissel/persistence';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const hex = (n: number) =>
  [...Array(n)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');
/** Flips `bits` distinct bits of a 64-hex-digit PDQ hash. */
function flip(pdq: string, bits: number): string {
  const b = Buffer.from(pdq, 'hex');
  const positions = new Set<number>();
  while (positions.size < bits) positions.add(Math.floor(Math.random() * 256));
  for (const p of positions) b[p >> 3]! ^= 1 << (p & 7);
  return b.toString('hex');
}

function referral(url: string, media: Record<string, string> = {}, system = 'IWF') {
  return canonicalReferral({
    sourceRef: { system, id: `${system}-${randomUUID()}` },
    locators: [{ url, kind: 'media_file', granularity: 'file' }],
    media: Object.keys(media).length ? [{ locator: 0, hashes: media }] : [],
    hints: { hostingCountry: 'NL' },
  });
}

describe('de-duplication and cases', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('dedup', { partitions: 2 });
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Produces referrals in order and waits until all are stored; returns their rows. */
  async function route(...referrals: Array<ReturnType<typeof referral>>) {
    await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage), 0);
    const ids = referrals.map((r) => r.sourceRef.id);
    return eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT r.source_id, cs.case_id, cs.layer, cs.matches, d.rule, d.recipients, d.evidence, c.previous_case_id
           FROM referral r JOIN case_source cs ON cs.referral_id = r.id JOIN decision d ON d.referral_id = r.id
           JOIN "case" c ON c.id = cs.case_id
          WHERE r.source_id = ANY($1)`,
        [ids],
      );
      return rows.length === ids.length
        ? ids.map((id) => rows.find((row) => row.source_id === id))
        : undefined;
    }, `${ids.length} referral(s) routed`);
  }

  it('joins the same URL written differently to one case, with no second notice', async () => {
    const path = `/a/${hex(8)}/B7x9.jpg?size=full`;
    const [first, second] = await route(
      referral(`https://img.pics-host.example${path}`),
      referral(`HTTPS://Img.Pics-Host.EXAMPLE:443${path.replace('a/', 'a/./')}#top`, {}, 'ECO'),
    );
    expect(first).toMatchObject({
      layer: 'new',
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
    });
    expect(second).toMatchObject({
      case_id: first.case_id,
      layer: 'url',
      rule: 'joined_open_case',
      recipients: [],
    });
  });

  it('notices only the new URL of a report that repeats one under notice', async () => {
    const held = `https://img.pics-host.example/${hex(8)}/held.jpg`;
    const fresh = `https://img.pics-host.example/${hex(8)}/new.jpg`;
    const both = canonicalReferral({
      sourceRef: { system: 'ECO', id: `ECO-${randomUUID()}` },
      locators: [
        { url: held, kind: 'media_file', granularity: 'file' },
        { url: fresh, kind: 'media_file', granularity: 'file' },
      ],
      media: [],
      hints: { hostingCountry: 'NL' },
    });
    const [, second] = await route(referral(held), both);
    expect(second).toMatchObject({ layer: 'url', recipients: ['nl-hotline'] });
    const { rows } = await stack.db.query<{
      routes: Array<{ purpose: string; locators: number[] }>;
    }>(
      `SELECT o.payload->'decision'->'routes' AS routes FROM outbox o JOIN referral r ON r.id = o.referral_id
        WHERE r.source_id = $1 AND o.recipient_id = 'nl-hotline'`,
      [both.sourceRef.id],
    );
    // The hotline is asked to remove the new URL; the one under notice is not noticed again.
    expect(rows.map((r) => r.routes)).toEqual([
      [expect.objectContaining({ purpose: 'removal', locators: [1] })],
    ]);
  });

  it('keeps URLs that differ in path case or query apart', async () => {
    const base = `https://img.pics-host.example/${hex(8)}/Photo.jpg`;
    const rows = await route(
      referral(base),
      referral(base.replace('Photo', 'photo')),
      referral(`${base}?v=2`),
    );
    expect(new Set(rows.map((r) => r.case_id)).size).toBe(3);
  });

  it('groups the same file at another URL into the case, and still sends its removal', async () => {
    const md5 = hex(32);
    const [first, second] = await route(
      referral(`https://a.example/${hex(6)}.jpg`, { md5 }),
      referral(`https://b.example/${hex(6)}.jpg`, { md5: md5.toUpperCase() }),
    );
    expect(second).toMatchObject({
      case_id: first.case_id,
      layer: 'media_hash',
      recipients: ['nl-hotline'],
    });
    expect(second.matches).toEqual([{ kind: 'md5', key: md5, caseId: first.case_id }]);
  });

  it('groups a PDQ near-duplicate within the distance, and not one beyond it', async () => {
    const pdq = hex(64);
    const [first, near, far] = await route(
      referral(`https://a.example/${hex(6)}.jpg`, { pdq }),
      referral(`https://c.example/${hex(6)}.jpg`, { pdq: flip(pdq, 20) }),
      referral(`https://d.example/${hex(6)}.jpg`, { pdq: flip(pdq, 45) }),
    );
    expect(near).toMatchObject({
      case_id: first.case_id,
      layer: 'pdq',
      recipients: ['nl-hotline'],
    });
    expect(far.case_id).not.toBe(first.case_id);
    expect(far.layer).toBe('new');
  });

  it('treats the same URL after confirmed removal as a re-upload: a new incident linked to the old case', async () => {
    const url = `https://img.pics-host.example/${hex(8)}.jpg`;
    const [first] = await route(referral(url));
    await stack
      .start('gateway')
      .then((app) => app.get(CaseRepository).markRemoved(first.case_id, new Date()));
    const [again] = await route(referral(url, {}, 'ECO'));
    expect(again).toMatchObject({
      layer: 'reupload',
      previous_case_id: first.case_id,
      recipients: ['nl-hotline'],
    });
    expect(again.case_id).not.toBe(first.case_id);
    // Later reports of the re-uploaded URL join the new incident.
    const [third] = await route(referral(url, {}, 'NCMEC'));
    expect(third).toMatchObject({ case_id: again.case_id, layer: 'url' });
  });

  it('marks known material, never suppresses its removal, and raises the priority of unknown material', async () => {
    const known = hex(40);
    await stack.produce(stack.topics.knownHashesIn, [
      JSON.stringify({
        schema: 'wissel.known-hashes/1',
        list: 'test-list',
        hashes: [{ kind: 'sha1', hash: known }],
      }),
    ]);
    await eventually(
      async () => (await stack.count(`known_hash WHERE hash = $1`, [known])) === 1,
      'the list imported',
    );
    const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
    const knownRef = referral(`https://k.example/${hex(6)}.jpg`, { sha1: known });
    const newRef = referral(`https://n.example/${hex(6)}.jpg`, { sha1: hex(40) });
    const [k, n] = await route(knownRef, newRef);
    expect(k.evidence).toMatchObject({ knownMedia: [0], unknownMedia: [] });
    expect(n.evidence).toMatchObject({ knownMedia: [], unknownMedia: [0] });
    await stack.start('dispatcher');
    const delivered = await nlHotline.until(
      (all) => [knownRef, newRef].every((r) => all.some((m) => m.value.includes(r.sourceRef.id))),
      'both dispatches',
    );
    const payloadOf = (r: typeof knownRef) =>
      JSON.parse(delivered.find((m) => m.value.includes(r.sourceRef.id))!.value);
    expect(payloadOf(knownRef).investigationPriority).toBe('normal');
    expect(payloadOf(newRef).investigationPriority).toBe('high');
  });

  it('makes one case when two routers claim the same material at the same moment', async () => {
    await stack.start('router'); // a second instance in the same group: one partition each
    await eventually(async () => {
      const admin = stack.kafka.admin();
      await admin.connect();
      const { groups } = await admin
        .describeGroups([stack.env.ROUTER_GROUP_ID!])
        .finally(() => admin.disconnect());
      return groups[0]?.state === 'Stable' && groups[0].members.length === 2;
    }, 'two routers sharing the partitions');
    const blocker: Client = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await blocker.connect();
    const pairs = Array.from({ length: 10 }, () => {
      const url = `https://race.example/${hex(10)}.jpg`;
      return [referral(url, {}, 'IWF'), referral(url, {}, 'ECO')] as const;
    });
    try {
      // Hold back every case claim until both routers are waiting at it, then let go.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE "case" IN SHARE ROW EXCLUSIVE MODE');
      await Promise.all([
        stack.produce(
          stack.topics.canonicalIn,
          pairs.map(([a]) => asMessage(a)),
          0,
        ),
        stack.produce(
          stack.topics.canonicalIn,
          pairs.map(([, b]) => asMessage(b)),
          1,
        ),
      ]);
      await eventually(async () => {
        const { rows } = await stack.db.query(
          `SELECT count(DISTINCT pid)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "case"%'`,
        );
        return rows[0].n >= 2;
      }, 'both routers waiting at the case claim');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const ids = pairs.flat().map((r) => r.sourceRef.id);
    await eventually(
      async () => (await stack.count(`referral WHERE source_id = ANY($1)`, [ids])) === ids.length,
      'all stored',
    );
    const { rows } = await stack.db.query(
      `SELECT r.canonical->'locators'->0->>'url' AS url, count(DISTINCT cs.case_id)::int AS cases
         FROM referral r JOIN case_source cs ON cs.referral_id = r.id
        WHERE r.source_id = ANY($1) GROUP BY 1`,
      [ids],
    );
    expect(rows).toHaveLength(pairs.length);
    expect(rows.every((r) => r.cases === 1)).toBe(true);
  });
});
