/**
 * W11 data protection on the real PostgreSQL (embedded-mode messaging, so message_log is
 * in play): persons and raw payloads are sealed at intake and never stored in the clear;
 * the police get the persons (opened by the relay just before signing); a KEK rotation
 * rewraps every value; rows stored before sealing are sealed by `npm run keys`; and the
 * retention purge, run with an injected clock, anonymises and deletes exactly what expired,
 * keeps what is young or protected (police hold, open notice) and keeps the statistics.
 */
import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, keyIdOf, StaticKeyProvider, parseKeksEnv } from '@wissel/crypto';
import { DATA_CLASSES, FEED_READER_GROUP } from '@wissel/domain';
import { PersonalDataSealer } from '@wissel/pipeline';
import { main as keys } from '../../scripts/keys';
import { main as purge } from '../../scripts/purge';
import { asMessage, canonicalReferral } from '../support/referrals';
import { sealerFor } from '../support/sealed';
import { eventually, TestStack } from '../support/stack';

const DAY = 86_400_000;
const EMAIL = 'suspect-7f3a@example.test';

const withPersons = (overrides: Record<string, unknown> = {}) =>
  canonicalReferral({
    persons: [
      {
        role: 'uploader',
        estimatedCountry: 'NL',
        ipEvents: [{ ip: '95.211.184.10', event: 'upload', at: '2026-11-20T09:00:00Z' }],
        accounts: [{ service: 'chat.example', screenName: 'suspect-7f3a', email: EMAIL }],
      },
    ],
    ...overrides,
  }) as ReturnType<typeof canonicalReferral> & { persons: unknown[] };

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env },
  };
}

describe('data protection: sealing at rest, key rotation, retention purge', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('data_protection', { messaging: 'postgres' });
    await stack.start('router', { PURGE_INTERVAL_MS: '0' });
  });

  afterAll(async () => {
    await stack.close();
  });

  async function stored(sourceId: string) {
    return eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT id, canonical, personal_data, raw_payload, received_at FROM referral WHERE source_id = $1`,
        [sourceId],
      );
      return rows[0] as
        | {
            id: string;
            canonical: Record<string, unknown>;
            personal_data: string;
            raw_payload: string;
          }
        | undefined;
    }, `referral ${sourceId}`);
  }

  it('seals persons and the raw payload at intake; nothing personal is stored in the clear', async () => {
    const referral = withPersons();
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const row = await stored(referral.sourceRef.id);
    expect(row.personal_data).toMatch(/^wse1\.e2e-1\./);
    expect(row.raw_payload).toMatch(/^wse1\.e2e-1\./);
    expect(row.canonical).not.toHaveProperty('persons');
    expect(row.canonical.locators).toEqual(
      referral.locators.map((l) => expect.objectContaining(l)),
    );
    const sealer = sealerFor(stack.env);
    expect(sealer.openReferral(row.id, row.canonical, row.personal_data).persons).toEqual(
      referral.persons,
    );
    expect(sealer.openRawPayload(row.id, row.raw_payload).toString()).toBe(asMessage(referral));
    // Not in any column of the referral or of its outbox rows.
    const { rows: leaks } = await stack.db.query(
      `SELECT 'referral' AS t FROM referral r WHERE r.id = $1 AND row_to_json(r)::text LIKE $2
       UNION ALL
       SELECT 'outbox' FROM outbox o WHERE o.referral_id = $1 AND row_to_json(o)::text LIKE $2`,
      [row.id, `%${EMAIL}%`],
    );
    expect(leaks).toEqual([]);
    const { rows: outbox } = await stack.db.query(
      `SELECT payload FROM outbox WHERE referral_id = $1`,
      [row.id],
    );
    expect(outbox.length).toBeGreaterThan(0);
    for (const { payload } of outbox) expect(payload.referral).not.toHaveProperty('persons');
  });

  it('gives the recipients the persons: the relay opens them just before signing', async () => {
    await stack.start('dispatcher');
    const referral = withPersons();
    const police = await stack.read(stack.topics.outbound('nl-police'));
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const messages = await police.until(
      (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
      'the police dispatch',
    );
    const dispatch = JSON.parse(
      messages.find((m) => m.value.includes(referral.sourceRef.id))!.value,
    );
    expect(dispatch.referral.persons).toEqual(referral.persons);
    const { rows } = await stack.db.query(`SELECT payload FROM outbox WHERE dispatch_id = $1`, [
      dispatch.dispatchId,
    ]);
    expect(rows[0].payload.referral).not.toHaveProperty('persons');
  });

  it('seals rows stored before sealing (npm run keys -- seal-existing)', async () => {
    const legacy = withPersons();
    const { rows } = await stack.db.query(
      `INSERT INTO referral (id, source_system, source_id, format, schema_version, priority,
                             reported_at, origin, canonical, raw_payload)
       VALUES (gen_random_uuid(), 'IWF', $1, 'canonical', 'wissel.referral/1', 'normal', now(),
               '{}', $2, $3) RETURNING id`,
      [legacy.sourceRef.id, JSON.stringify(legacy), asMessage(legacy)],
    );
    const id = rows[0].id as string;
    const run = io(stack.env);
    expect(await keys(['seal-existing'], run.io)).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({ plaintextLeft: 0 });
    const row = await stored(legacy.sourceRef.id);
    expect(row.canonical).not.toHaveProperty('persons');
    const sealer = sealerFor(stack.env);
    expect(sealer.openReferral(id, row.canonical, row.personal_data)).toEqual(legacy);
    expect(sealer.openRawPayload(id, row.raw_payload).toString()).toBe(asMessage(legacy));
    // Idempotent: a second run finds nothing to seal.
    const again = io(stack.env);
    expect(await keys(['seal-existing'], again.io)).toBe(0);
    expect(JSON.parse(again.out[0]!).sealed.referrals).toBe(0);
  });

  it('rotates: the old key id still opens; after rewrap no value uses it', async () => {
    const referral = withPersons();
    // A refused message too: its dead letter's bytes are sealed under the old key.
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral), 'not json']);
    const before = await stored(referral.sourceRef.id);
    await eventually(
      async () => (await stack.count('inbound_dead_letter')) > 0,
      'the refused message indexed',
    );
    expect(keyIdOf(before.personal_data)).toBe('e2e-1');

    const rotated = {
      ...stack.env,
      WISSEL_KEKS: `e2e-2:${randomBytes(32).toString('base64')},${stack.env.WISSEL_KEKS}`,
    };
    const both = new PersonalDataSealer(
      new EnvelopeCipher(new StaticKeyProvider(parseKeksEnv(rotated.WISSEL_KEKS))),
    );
    // The old id still opens under the new ring, before any rewrap.
    expect(both.openReferral(before.id, before.canonical, before.personal_data).persons).toEqual(
      referral.persons,
    );
    const status = io(rotated);
    expect(await keys(['status'], status.io)).toBe(0);
    expect(JSON.parse(status.out[0]!).currentKeyId).toBe('e2e-2');

    const run = io(rotated);
    expect(await keys(['rewrap'], run.io)).toBe(0);
    const report = JSON.parse(run.out[0]!);
    expect(report.referrals).toBeGreaterThan(0);
    expect(report.deadLetters).toBeGreaterThan(0);
    expect(report.usage).toEqual(
      expect.arrayContaining([expect.objectContaining({ column: 'dead_letter_payload' })]),
    );
    expect(report.usage.every((u: { keyId: string }) => u.keyId === 'e2e-2')).toBe(true);
    const { rows: old } = await stack.db.query(
      `SELECT count(*)::int AS n FROM referral
        WHERE split_part(personal_data, '.', 2) = 'e2e-1' OR split_part(raw_payload, '.', 2) = 'e2e-1'`,
    );
    expect(old[0].n).toBe(0);
    // Only the new key is needed now.
    const onlyNew = new PersonalDataSealer(
      new EnvelopeCipher(new StaticKeyProvider([parseKeksEnv(rotated.WISSEL_KEKS)[0]!])),
    );
    const after = await stored(referral.sourceRef.id);
    expect(onlyNew.openReferral(after.id, after.canonical, after.personal_data).persons).toEqual(
      referral.persons,
    );
    expect(onlyNew.openRawPayload(after.id, after.raw_payload).toString()).toBe(
      asMessage(referral),
    );
    // Everything else still opens: later tests read with the rotated ring.
    stack.env.WISSEL_KEKS = rotated.WISSEL_KEKS;
  });
});

describe('retention purge with an injected clock (npm run purge)', () => {
  let stack: TestStack;
  const later = new Date(Date.now() + 200 * DAY);
  const clock = { now: () => later };
  const retention = {
    RETENTION_PERSONAL_DATA_DAYS: '365',
    RETENTION_RAW_PAYLOAD_DAYS: '90',
    RETENTION_DISPATCH_PAYLOAD_DAYS: '365',
    RETENTION_MESSAGE_LOG_DAYS: '14',
    RETENTION_DEAD_LETTER_DAYS: '30',
    RETENTION_SUBMISSION_DAYS: '0',
  };
  const ids: Record<'old' | 'young' | 'held' | 'notice', string[]> = {
    old: [],
    young: [],
    held: [],
    notice: [],
  };

  beforeAll(async () => {
    stack = await TestStack.create('retention', { messaging: 'postgres' });
    await stack.start('router', { PURGE_INTERVAL_MS: '0' });
    // Home-hosted (hotline), and with an uploader at home (police too); one bad message.
    const referrals = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? withPersons() : canonicalReferral(),
    );
    await stack.produce(stack.topics.canonicalIn, [...referrals.map(asMessage), 'not json']);
    const rows = await eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT id FROM referral WHERE source_id = ANY($1) ORDER BY source_id`,
        [referrals.map((r) => r.sourceRef.id)],
      );
      const { rows: dlq } = await stack.db.query(`SELECT 1 FROM message_log WHERE topic = $1`, [
        stack.topics.deadLetter,
      ]);
      return rows.length === referrals.length && dlq.length === 1 ? rows : undefined;
    }, 'all referrals stored and the bad one dead-lettered');
    const all = rows.map((r: { id: string }) => r.id);
    [ids.old, ids.young, ids.held, ids.notice] = [
      all.slice(0, 4),
      all.slice(4, 6),
      [all[6]],
      [all[7]],
    ];
    const aged = [...ids.old, ...ids.held, ...ids.notice];
    // 200 days before now is 400 days before the purge's clock: past every retention.
    await stack.db.query(
      `UPDATE referral SET received_at = received_at - interval '200 days' WHERE id = ANY($1)`,
      [aged],
    );
    await stack.db.query(
      `UPDATE outbox SET published_at = now() - interval '200 days' WHERE referral_id = ANY($1)`,
      [aged],
    );
    await stack.db.query(`UPDATE message_log SET produced_at = now() - interval '200 days'`);
    // An unread message in a topic a group reads: not consumed, so kept.
    await stack.db.query(
      `INSERT INTO message_log (topic, partition, "offset", value, produced_at)
       VALUES ('unread.v1', 0, 0, 'x', now() - interval '200 days')`,
    );
    await stack.db.query(
      `INSERT INTO consumer_offset (group_id, topic, partition, next_offset) VALUES ('g', 'unread.v1', 0, 0)`,
    );
    // Consumed a day before the purge's clock by the one group that reads it: its work is
    // done, so it goes at once. A recipient's feed nobody has read: kept, old or young. A
    // feed its recipient read past: the old message goes, the young one waits its days.
    const dayBefore = new Date(later.getTime() - 86_400_000);
    await stack.db.query(
      `INSERT INTO message_log (topic, partition, "offset", value, produced_at)
       VALUES ('consumed.v1', 0, 0, 'x', $1), ('referrals.out.unread-feed.v1', 0, 0, 'x', $1),
              ('referrals.out.read-feed.v1', 0, 0, 'x', now() - interval '200 days'),
              ('referrals.out.read-feed.v1', 0, 1, 'x', $1)`,
      [dayBefore],
    );
    await stack.db.query(
      `INSERT INTO consumer_offset (group_id, topic, partition, next_offset)
       VALUES ('g', 'consumed.v1', 0, 1), ($1, 'referrals.out.read-feed.v1', 0, 2)`,
      [FEED_READER_GROUP],
    );
    // Protected: the decision in force is held by the police; a notice is open.
    await stack.db.query(`UPDATE decision SET held = true WHERE referral_id = $1`, [ids.held[0]]);
    await stack.db.query(
      `INSERT INTO dispatch_state (dispatch_id, referral_id, case_id, recipient_id, status,
              dispatched_at, notice_sent_at, notice_deadline, notice_reminder_at, updated_at)
       SELECT o.dispatch_id, o.referral_id, cs.case_id, o.recipient_id, 'notice_sent',
              now(), now(), now() + interval '1 day', now() + interval '18 hours', now()
         FROM outbox o JOIN case_source cs ON cs.referral_id = o.referral_id
        WHERE o.referral_id = $1 LIMIT 1`,
      [ids.notice[0]],
    );
  });

  afterAll(async () => {
    await stack.close();
  });

  const env = () => ({ ...stack.env, ...retention });

  async function snapshot() {
    const { rows } = await stack.db.query(
      `SELECT id, personal_data IS NOT NULL AS personal, raw_payload IS NOT NULL AS raw,
              anonymised_at IS NOT NULL AS anonymised, canonical ? 'locators' AS skeleton,
              (SELECT count(*)::int FROM decision d WHERE d.referral_id = r.id) AS decisions
         FROM referral r ORDER BY id`,
    );
    return new Map(rows.map((r: { id: string }) => [r.id, r]));
  }

  it('--dry-run counts what expired and changes nothing', async () => {
    const before = await snapshot();
    const run = io(env());
    expect(await purge(['--dry-run'], run.io, clock)).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({
      dryRun: true,
      personal_data: ids.old.length,
      // The young ones' raw payloads are 200 days old at the clock: past 90 days.
      raw_payload: ids.old.length + ids.young.length,
      message_log: expect.any(Number),
      // Its dead-letter topic row and its row in the dead-letter index (sealed bytes).
      dead_letter: 2,
      submission: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('--now anonymises the expired, keeps the young and the protected, and keeps the statistics', async () => {
    // What the statistics must hold: each anonymised referral under each recipient of its decision.
    const { rows: expected } = await stack.db.query(
      `SELECT (r.received_at AT TIME ZONE 'UTC')::date::text AS day, x.recipient, count(*)::int AS n
         FROM referral r JOIN decision d ON d.referral_id = r.id
         CROSS JOIN LATERAL jsonb_array_elements_text(d.recipients) AS x(recipient)
        WHERE r.id = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids.old],
    );
    const messagesBefore = await stack.db.query(`SELECT count(*)::int AS n FROM message_log`);
    const feedsBefore = await stack.db.query(
      `SELECT count(*)::int AS n FROM message_log WHERE topic LIKE 'referrals.out.%'`,
    );
    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    const report = JSON.parse(run.out[0]!);
    expect(report).toMatchObject({
      dryRun: false,
      personal_data: ids.old.length,
      raw_payload: ids.young.length,
      dead_letter: 2,
    });
    expect(await stack.count('inbound_dead_letter')).toBe(0);

    const after = await snapshot();
    for (const id of ids.old) {
      expect(after.get(id)).toMatchObject({
        personal: false,
        raw: false,
        anonymised: true,
        skeleton: true,
        decisions: 1,
      });
    }
    for (const id of ids.young) {
      expect(after.get(id)).toMatchObject({ personal: true, raw: false, anonymised: false });
    }
    for (const id of [...ids.held, ...ids.notice]) {
      expect(after.get(id)).toMatchObject({ personal: true, raw: true, anonymised: false });
    }

    const { rows: stats } = await stack.db.query(
      `SELECT day::text AS day, recipient, sum(referrals)::int AS n FROM referral_stats_daily
        GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(stats).toEqual(expected);
    const { rows: total } = await stack.db.query(
      `SELECT sum(referrals)::int AS n FROM referral_stats_daily WHERE recipient = 'nl-hotline'`,
    );
    expect(total[0].n).toBe(ids.old.length);

    // Delivered outbox rows of anonymised referrals lost the referral, kept the decision.
    const { rows: outbox } = await stack.db.query(
      `SELECT payload ? 'referral' AS referral, payload ? 'decision' AS decision, referral_id
         FROM outbox WHERE referral_id = ANY($1)`,
      [[...ids.old, ...ids.held]],
    );
    for (const row of outbox) {
      expect(row).toMatchObject({ referral: !ids.old.includes(row.referral_id), decision: true });
    }
    // Consumed messages went, young ones too; of Wissel's own hops only the unread one
    // stayed. No feed message its recipient has not read went (the relay's dispatches to
    // the recipients of this file never read, the unread feed); of the read feed, the old one.
    const { rows: left } = await stack.db.query<{ topic: string; offset: string }>(
      `SELECT topic, "offset" FROM message_log ORDER BY topic, "offset"`,
    );
    expect(left.filter((m) => !m.topic.startsWith('referrals.out.'))).toEqual([
      { topic: 'unread.v1', offset: '0' },
    ]);
    expect(left.filter((m) => /(un)?read-feed/.test(m.topic))).toEqual([
      { topic: 'referrals.out.read-feed.v1', offset: '1' },
      { topic: 'referrals.out.unread-feed.v1', offset: '0' },
    ]);
    expect(left.filter((m) => m.topic.startsWith('referrals.out.')).length).toBe(
      feedsBefore.rows[0].n - 1,
    );
    const { rows: purged } = await stack.db.query(
      `SELECT data_class, sum(rows)::int AS n FROM purged_stats_daily GROUP BY 1 ORDER BY 1`,
    );
    // Audited by class and count only: no referral id, no content.
    const { rows: audit } = await stack.db.query(
      `SELECT subject, details FROM audit_event WHERE action = 'retention.purged' ORDER BY subject`,
    );
    expect(audit.map((a: { subject: string }) => a.subject)).toEqual(
      expect.arrayContaining(['dead_letter', 'message_log', 'personal_data', 'raw_payload']),
    );
    for (const { details } of audit) {
      expect(Object.keys(details).sort()).toEqual(['cutoff', 'rows']);
    }
    expect(purged).toEqual([
      { data_class: 'dead_letter', n: 2 },
      {
        data_class: 'dispatch_payload',
        n: outbox.filter((o) => ids.old.includes(o.referral_id)).length,
      },
      { data_class: 'message_log', n: messagesBefore.rows[0].n - left.length - 1 },
      { data_class: 'raw_payload', n: ids.young.length },
    ]);
  });

  it('is idempotent: a second run at the same time purges and counts nothing more', async () => {
    const { rows: before } = await stack.db.query(
      `SELECT sum(referrals)::int AS n FROM referral_stats_daily`,
    );
    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    const { dryRun: _, at: __, failed, ...counts } = JSON.parse(run.out[0]!);
    expect(failed).toEqual([]);
    expect(Object.values(counts)).toEqual(Array(DATA_CLASSES.length).fill(0));
    const { rows: after } = await stack.db.query(
      `SELECT sum(referrals)::int AS n FROM referral_stats_daily`,
    );
    expect(after).toEqual(before);
  });

  it('purges a protected referral once its hold ends', async () => {
    await stack.db.query(`UPDATE decision SET held = false WHERE referral_id = $1`, [ids.held[0]]);
    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    expect(JSON.parse(run.out[0]!).personal_data).toBe(1);
    expect((await snapshot()).get(ids.held[0]!)).toMatchObject({ anonymised: true });
  });
  it('drops signed batch bodies past the raw payload retention, keeping their evidence', async () => {
    await stack.db.query(
      `INSERT INTO partner (id, name, source_systems) VALUES ('batcher', 'Batcher', '{batcher-system}')`,
    );
    const evidence = (id: string, age: string) =>
      stack.db.query(
        `INSERT INTO inbound_evidence (id, partner_id, verified_at, label, key_id, alg,
                signature_created, nonce, signature_input, signature, signature_base,
                content_digest, body_sha256, sealed_body)
         VALUES ($1::uuid, 'batcher', now() - $2::interval, 'wissel', 'k', 'ed25519', now(), $1::text,
                 'sig-input', 'sig', 'base', 'sha-256=:x:', 'ab', 'wse1.sealed')`,
        [id, age],
      );
    const [old, young] = [
      '00000000-0000-4000-8000-0000000000b1',
      '00000000-0000-4000-8000-0000000000b2',
    ];
    await evidence(old, '200 days');
    await evidence(young, '-150 days'); // 50 days before the purge's clock

    const dry = io(env());
    expect(await purge(['--dry-run'], dry.io, clock)).toBe(0);
    expect(JSON.parse(dry.out[0]!).raw_payload).toBe(1);

    const run = io(env());
    expect(await purge(['--now'], run.io, clock)).toBe(0);
    expect(JSON.parse(run.out[0]!).raw_payload).toBe(1);
    const { rows } = await stack.db.query(
      `SELECT id, sealed_body IS NOT NULL AS body, signature_base FROM inbound_evidence ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: old, body: false, signature_base: 'base' },
      { id: young, body: true, signature_base: 'base' },
    ]);
    const { rows: purged } = await stack.db.query(
      `SELECT sum(rows)::int AS n FROM purged_stats_daily
        WHERE data_class = 'raw_payload' AND detail = 'batch_body'`,
    );
    expect(purged[0].n).toBe(1);
  });
});
