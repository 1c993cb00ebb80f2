/**
 * Inbound dead letters for operators, on the real stack in both messaging modes: a refused
 * message is on the dead-letter topic and in the index the writer keeps; the admin API
 * lists and inspects it (reason, field, origin, partner) without its bytes, reveals the
 * bytes only with an audited reason, and replays them to the origin topic once, audited.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MESSAGE_CHANNEL } from '@wissel/messaging';
import { canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type Messaging, type TopicReader } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const VIEWER_TOKEN = randomBytes(24).toString('base64url');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

interface DeadLetter {
  id: string;
  origin: { topic: string; partition: number; offset: string };
  reason: { code: string; field: string | null; detail: string };
  partnerId: string | null;
  submissionId: string | null;
  payloadBytes: number | null;
  payloadSha256: string | null;
  replayedAt: string | null;
  replayedBy: string | null;
}

describe.each<Messaging>(['kafka', 'postgres'])('inbound dead letters (%s)', (messaging) => {
  let stack: TestStack;
  let baseUrl: string;
  let dlq: TopicReader;
  let inbound: TopicReader;
  const url = `https://img.pics-host.example/${randomBytes(6).toString('hex')}/bad.jpg`;
  const bad = JSON.stringify(
    canonicalReferral({
      reportedAt: 'yesterday',
      locators: [{ url, kind: 'media_file', granularity: 'file' }],
    }),
  );
  let offset: string;
  let letter: DeadLetter;

  const admin = (path: string, token = VIEWER_TOKEN, method = 'GET', body?: unknown) =>
    fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** Produces with headers, as the gateway does for a partner's submission. */
  async function produceWithHeaders(topic: string, value: string, headers: Record<string, string>) {
    if (messaging === 'postgres') {
      const { rows } = await stack.db.query<{ offset: string }>(
        `WITH o AS (
           INSERT INTO message_topic (topic, next_offset) VALUES ($1, 1)
           ON CONFLICT (topic) DO UPDATE SET next_offset = message_topic.next_offset + 1
           RETURNING next_offset - 1 AS first)
         INSERT INTO message_log (topic, partition, "offset", value, headers)
         SELECT $1, 0, o.first, $2, $3 FROM o RETURNING "offset"::text AS offset`,
        [topic, Buffer.from(value), JSON.stringify(headers)],
      );
      await stack.db.query('SELECT pg_notify($1, $2)', [MESSAGE_CHANNEL, topic]);
      return rows[0]!.offset;
    }
    const producer = stack.kafka.producer();
    await producer.connect();
    try {
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ value, headers }] });
      return meta!.baseOffset!;
    } finally {
      await producer.disconnect();
    }
  }

  const listed = async (query = '') => {
    const res = await admin(`/admin/dead-letters${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { items: DeadLetter[]; nextBefore: string | null };
  };

  beforeAll(async () => {
    stack = await TestStack.create(`inbound_dlq_${messaging}`, { messaging });
    ({ baseUrl } = await stack.listen('gateway', {
      OPERATOR_TOKEN_SHA256: `${sha256(OPERATOR_TOKEN)}:operator:e2e-operator,${sha256(VIEWER_TOKEN)}:viewer:e2e-viewer`,
    }));
    await stack.start('router');
    dlq = await stack.read(stack.topics.deadLetter);
    inbound = await stack.read(stack.topics.canonicalIn);
    offset = await produceWithHeaders(stack.topics.canonicalIn, bad, {
      'wissel-partner-id': 'iwf',
      'wissel-submission-id': '6f1c1c52-7b8e-4a43-9d8e-2f7c0c7f3a10',
    });
    letter = await eventually(async () => {
      const { items } = await listed();
      return items.find((i) => i.origin.offset === offset);
    }, 'the dead letter listed');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('lists and inspects a dead letter: reason, field, origin, partner, without its bytes', async () => {
    // The dead-letter topic has it too, as before.
    await dlq.until(
      (all) => all.some((m) => m.key === `${stack.topics.canonicalIn}:0:${offset}`),
      'the dead letter on its topic',
    );
    expect(letter).toMatchObject({
      origin: { topic: stack.topics.canonicalIn, partition: 0, offset },
      reason: { code: 'schema_violation', field: '/reportedAt' },
      partnerId: 'iwf',
      submissionId: '6f1c1c52-7b8e-4a43-9d8e-2f7c0c7f3a10',
      payloadBytes: Buffer.byteLength(bad),
      payloadSha256: sha256(bad),
      replayedAt: null,
    });
    const inspected = await admin(`/admin/dead-letters/${letter.id}`);
    expect(inspected.status).toBe(200);
    const text = await inspected.text();
    expect(JSON.parse(text)).toEqual(letter);
    // Neither the answers nor the stored row show the bytes.
    for (const shown of [text, JSON.stringify(await listed())]) {
      expect(shown).not.toContain(url);
      expect(shown).not.toContain(Buffer.from(bad).toString('base64').slice(0, 40));
    }
    const { rows } = await stack.db.query<{ payload: string }>(
      `SELECT payload FROM inbound_dead_letter WHERE id = $1`,
      [letter.id],
    );
    expect(rows[0]!.payload).not.toContain(url);
    expect((await admin('/admin/dead-letters/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    expect((await fetch(`${baseUrl}/admin/dead-letters`)).status).toBe(401);
  });

  it('reveals the bytes only to an operator giving a reason, and audits it', async () => {
    const path = `/admin/dead-letters/${letter.id}/reveal`;
    expect(
      (await admin(path, VIEWER_TOKEN, 'POST', { reason: 'checking the refusal' })).status,
    ).toBe(403);
    const noReason = await admin(path, OPERATOR_TOKEN, 'POST', {});
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { code: string }).code).toBe('reveal_reason_required');
    const res = await admin(path, OPERATOR_TOKEN, 'POST', {
      reason: 'partner asked why it was refused, ticket 4711',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { payloadBase64: string; payloadBytes: number };
    expect(Buffer.from(body.payloadBase64, 'base64').toString('utf8')).toBe(bad);
    const { rows } = await stack.db.query(
      `SELECT actor, details->>'reason' AS reason FROM audit_event
        WHERE action = 'dead_letter.payload_revealed' AND subject = $1`,
      [letter.id],
    );
    expect(rows).toEqual([
      { actor: 'token:e2e-operator', reason: 'partner asked why it was refused, ticket 4711' },
    ]);
  });

  it('replays the original bytes to the origin topic once, audited and marked', async () => {
    const path = `/admin/dead-letters/${letter.id}/replay`;
    expect((await admin(path, VIEWER_TOKEN, 'POST')).status).toBe(403);
    const res = await admin(path, OPERATOR_TOKEN, 'POST');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: letter.id, topic: stack.topics.canonicalIn });

    // The same bytes, with the headers they came with, on the origin topic again.
    const [replayed] = (
      await inbound.until(
        (all) => all.some((m) => m.headers['wissel-replay-of'] === letter.id),
        'the replayed message on its origin topic',
      )
    ).filter((m) => m.headers['wissel-replay-of'] === letter.id);
    expect(replayed!.value).toBe(bad);
    expect(replayed!.headers['wissel-partner-id']).toBe('iwf');

    const marked = (await (await admin(`/admin/dead-letters/${letter.id}`)).json()) as DeadLetter;
    expect(marked).toMatchObject({ replayedBy: 'token:e2e-operator' });
    expect(marked.replayedAt).not.toBeNull();
    // Still refused: it is dead-lettered again, as a new dead letter of its new position.
    const again = await eventually(async () => {
      const { items } = await listed('?replayed=false');
      return items.find((i) => i.origin.offset === replayed!.offset);
    }, 'the replay dead-lettered again');
    expect(again.reason.code).toBe('schema_violation');
    expect((await listed('?replayed=true')).items.map((i) => i.id)).toEqual([letter.id]);

    // A second replay sends nothing.
    const second = await admin(path, OPERATOR_TOKEN, 'POST');
    expect(second.status).toBe(409);
    expect(((await second.json()) as { code: string }).code).toBe('dead_letter_already_replayed');
    expect(
      inbound.messages.filter((m) => m.headers['wissel-replay-of'] === letter.id),
    ).toHaveLength(1);
    const { rows } = await stack.db.query(
      `SELECT actor, action FROM audit_event
        WHERE subject = $1 AND action IN ('dead_letter.replayed', 'operator.action') ORDER BY id`,
      [letter.id],
    );
    expect(rows).toEqual(
      expect.arrayContaining([{ actor: 'token:e2e-operator', action: 'dead_letter.replayed' }]),
    );
    expect(rows.filter((r) => r.action === 'dead_letter.replayed')).toHaveLength(1);
  });

  it('pages newest first', async () => {
    const first = await listed('?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextBefore).not.toBeNull();
    const next = await listed(`?limit=1&before=${first.nextBefore}`);
    expect(next.items.map((i) => i.id)).not.toContain(first.items[0]!.id);
    expect((await admin('/admin/dead-letters?limit=0')).status).toBe(400);
  });

  it('indexes a refusal whose field names a property PostgreSQL cannot store', async () => {
    // A property name of U+0000 and a lone surrogate: valid JSON, refused as unknown.
    const referral = JSON.parse(bad) as Record<string, unknown>;
    delete referral.reportedAt;
    const hostile = JSON.stringify({ ...referral, reportedAt: '2026-11-20T10:00:00Z' }).replace(
      /}$/,
      ',"x\\u0000\\ud800": 1}',
    );
    const [at] = await stack.produce(stack.topics.canonicalIn, [hostile]);
    const indexed = await eventually(async () => {
      const { items } = await listed();
      return items.find((i) => i.origin.offset === at);
    }, 'the hostile message indexed');
    expect(indexed.reason).toMatchObject({ code: 'unknown_property', field: '/x\uFFFD\uFFFD' });
  });
});
