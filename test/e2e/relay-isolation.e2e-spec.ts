/**
 * One recipient or one row never stops a relay lane, on the real broker and database: a
 * recipient whose Kafka topic is gone fails only its own rows (retried with backoff), a
 * referral whose sealed persons cannot be opened is dead-lettered alone, a webhook
 * recipient that never answers costs one timeout, not one per row, and a request the
 * broker refuses as too large is halved until only the record too large alone is left
 * (dead-lettered); every other dispatch of the same round is delivered.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigResourceTypes } from 'kafkajs';
import { parse, stringify } from 'yaml';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack, type TopicReader } from '../support/stack';

jest.setTimeout(180_000);

interface OutboxRow {
  recipient_id: string;
  published: boolean;
  dead_letter_reason: string | null;
  next_attempt_at: Date | null;
  attempts: number;
  last_error: string | null;
}

describe('relay isolation', () => {
  let stack: TestStack;
  let nlHotline: TopicReader;

  beforeAll(async () => {
    stack = await TestStack.create('relay_isolation');
    await stack.start('router');
    nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
  });

  afterAll(async () => {
    await stack.close();
  });

  const referral = (country: string, persons: unknown[] = []) =>
    canonicalReferral({
      sourceRef: { system: 'RELAY-TEST', id: `R-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: `https://${randomUUID()}.relay.test/p` }],
      hints: { hostingCountry: country },
      persons,
    });

  const rowsOf = async (sourceId: string) => {
    const { rows } = await stack.db.query<OutboxRow>(
      `SELECT o.recipient_id, o.published_at IS NOT NULL AS published, o.dead_letter_reason,
              o.next_attempt_at, o.attempts, o.last_error
         FROM outbox o JOIN referral r ON r.id = o.referral_id
        WHERE r.source_id = $1 ORDER BY o.recipient_id`,
      [sourceId],
    );
    return rows;
  };

  it('delivers the rest of a round when one topic is gone and one referral cannot be opened', async () => {
    const healthy = referral('NL');
    const toGoneTopic = referral('DE');
    const unreadable = referral('NL', [
      { role: 'uploader', accounts: [{ screenName: `relay_${randomUUID()}` }] },
    ]);
    await stack.produce(
      stack.topics.canonicalIn,
      [healthy, toGoneTopic, unreadable].map(asMessage),
    );
    for (const r of [healthy, toGoneTopic, unreadable]) {
      await eventually(
        async () => ((await rowsOf(r.sourceRef.id)).length > 0 ? true : undefined),
        'its dispatches in the outbox',
      );
    }
    // Before any dispatcher runs: de-hotline's topic disappears, and one referral's sealed
    // persons become unreadable (a corrupt envelope, as after losing its data key).
    const admin = stack.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [stack.topics.outbound('de-hotline')] });
    await admin.disconnect();
    await stack.db.query(
      `UPDATE referral SET personal_data = 'wse1.no-such-key.AAAA.AAAA.AAAA' WHERE source_id = $1`,
      [unreadable.sourceRef.id],
    );

    await stack.start('dispatcher');

    const healthyRows = await eventually(
      async () => {
        const rows = await rowsOf(healthy.sourceRef.id);
        return rows.every((r) => r.published) ? rows : undefined;
      },
      'the healthy referral delivered',
      120_000,
    );
    expect(healthyRows.map((r) => r.recipient_id)).toContain('nl-hotline');
    await nlHotline.until(
      (all) => all.some((m) => m.value.includes(healthy.sourceRef.id)),
      'the healthy dispatch on nl-hotline',
    );

    // The referral whose persons cannot be opened: each dispatch that needs them is
    // dead-lettered, alone, and replayable once the key is back.
    const unreadableRows = await eventually(async () => {
      const rows = await rowsOf(unreadable.sourceRef.id);
      return rows.every((r) => r.published || r.dead_letter_reason) ? rows : undefined;
    }, 'the unreadable referral handled');
    const deadLettered = unreadableRows.filter((r) => r.dead_letter_reason);
    expect(deadLettered.length).toBeGreaterThan(0);
    for (const row of deadLettered) {
      expect(row.dead_letter_reason).toBe('personal_data_unreadable');
    }

    // The gone topic: its row is retried later, with backoff, and nothing else waits on it.
    const gone = await eventually(async () => {
      const rows = (await rowsOf(toGoneTopic.sourceRef.id)).filter(
        (r) => r.recipient_id === 'de-hotline',
      );
      return rows.length === 1 && rows[0]!.attempts > 0 ? rows[0] : undefined;
    }, 'the row for the gone topic retried');
    expect(gone).toMatchObject({ published: false, dead_letter_reason: null });
    expect(gone.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Refused on the broker's topic list before any send, not after the client's whole
    // retry budget (which would hold up the rest of the round with it).
    expect(gone.last_error).toBe(`topic ${stack.topics.outbound('de-hotline')} does not exist`);
  });
});

describe('relay isolation: a dead webhook recipient', () => {
  let stack: TestStack;
  let blackHole: Server;
  const connections: Socket[] = [];
  let requests = 0;

  beforeAll(async () => {
    stack = await TestStack.create('relay_webhook');
    // Accepts every connection, reads the request and never answers.
    blackHole = createServer((socket) => {
      connections.push(socket);
      socket.once('data', (chunk: Buffer) => {
        if (chunk.toString('latin1').startsWith('POST ')) requests++;
      });
    });
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const { port } = blackHole.address() as { port: number };
    const rules = parse(readFileSync(ROUTING_CONFIG, 'utf8'));
    rules.recipients['de-hotline'] = {
      ...rules.recipients['de-hotline'],
      delivery: 'webhook',
      webhook: { url: `http://127.0.0.1:${port}/dispatches`, timeoutMs: 500 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'wissel-relay-'));
    writeFileSync(join(dir, 'routing.yaml'), stringify(rules));
    const settings = {
      ROUTING_CONFIG: join(dir, 'routing.yaml'),
      WEBHOOK_CONCURRENCY: '2',
      DELIVERY_RETRY_BASE_MS: '600000',
      DELIVERY_RETRY_MAX_MS: '600000',
    };
    await stack.start('router', settings);
    const referrals = Array.from({ length: 8 }, () =>
      canonicalReferral({
        sourceRef: { system: 'RELAY-TEST', id: `W-${randomUUID()}` },
        via: [],
        locators: [{ kind: 'web_page', url: `https://${randomUUID()}.relay.test/w` }],
        hints: { hostingCountry: 'DE' },
      }),
    );
    await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage));
    await eventually(async () => {
      const n = await stack.count(`outbox WHERE recipient_id = 'de-hotline'`);
      return n === referrals.length ? true : undefined;
    }, 'the webhook dispatches in the outbox');
    await stack.start('dispatcher', settings);
  });

  afterAll(async () => {
    await stack.close();
    for (const socket of connections) socket.destroy();
    await new Promise((r) => blackHole.close(r));
  });

  it('tries it once per worker, then rests it: its other rows are deferred, not attempted', async () => {
    const rows = await eventually(async () => {
      const { rows } = await stack.db.query<{ attempts: number; next_attempt_at: Date | null }>(
        `SELECT attempts, next_attempt_at FROM outbox WHERE recipient_id = 'de-hotline'`,
      );
      return rows.every((r) => r.next_attempt_at !== null) ? rows : undefined;
    }, 'every webhook row scheduled');
    // Two workers each hit the timeout once; the six rows behind them went without a request.
    expect(requests).toBe(2);
    expect(rows.map((r) => r.attempts).sort()).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    // The deferred rows wait for one probe time, at most 30 s away: a recovered endpoint is
    // tried again soon, whatever the failed rows' own backoff.
    const probes = new Set(
      rows.filter((r) => r.attempts === 0).map((r) => r.next_attempt_at!.getTime()),
    );
    expect(probes.size).toBe(1);
    expect([...probes][0]! - Date.now()).toBeLessThanOrEqual(30_000);
  });
});

describe('relay isolation: records against the topic size limit, on the real broker', () => {
  const LIMIT = 16_384;
  let stack: TestStack;
  let deHotline: TopicReader;
  let nlHotline: TopicReader;

  beforeAll(async () => {
    stack = await TestStack.create('relay_size');
    const topic = stack.topics.outbound('de-hotline');
    const admin = stack.kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'max.message.bytes', value: String(LIMIT) }],
        },
      ],
    });
    await admin.disconnect();
    deHotline = await stack.read(topic);
    nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  /** A DE-hosted referral with `urls` locators on one host, about 120 bytes each. */
  const withLocators = (urls: number, country = 'DE') => {
    const host = `${randomUUID()}.relay.test`;
    return canonicalReferral({
      sourceRef: { system: 'RELAY-TEST', id: `S-${randomUUID()}` },
      via: [],
      locators: Array.from({ length: urls }, (_, i) => ({
        kind: 'web_page',
        url: `https://${host}/gallery/${i}/${'x'.repeat(64)}`,
      })),
      hints: { hostingCountry: country },
    });
  };

  it('halves a request the broker refuses as too large, and dead-letters only the record that is too large alone', async () => {
    const small = Array.from({ length: 24 }, () => withLocators(12));
    const big = withLocators(400);
    const elsewhere = withLocators(1, 'NL');
    const all = [...small, big, elsewhere];
    await stack.produce(stack.topics.canonicalIn, all.map(asMessage));
    await eventually(async () => {
      const n = await stack.count(`outbox WHERE recipient_id IN ('de-hotline', 'nl-hotline')`);
      return n >= all.length ? true : undefined;
    }, 'the dispatches in the outbox');
    await stack.start('dispatcher');

    const settled = await eventually(
      async () => {
        const { rows } = await stack.db.query<{
          source_id: string;
          recipient_id: string;
          published: boolean;
          dead_letter_reason: string | null;
        }>(
          `SELECT r.source_id, o.recipient_id, o.published_at IS NOT NULL AS published,
                  o.dead_letter_reason
             FROM outbox o JOIN referral r ON r.id = o.referral_id
            WHERE r.source_system = 'RELAY-TEST' AND o.recipient_id IN ('de-hotline', 'nl-hotline')`,
        );
        return rows.length === all.length && rows.every((r) => r.published || r.dead_letter_reason)
          ? rows
          : undefined;
      },
      'every dispatch published or dead-lettered',
      120_000,
    );
    const of = (id: string) => settled.find((r) => r.source_id === id)!;
    expect(of(big.sourceRef.id)).toMatchObject({
      published: false,
      dead_letter_reason: 'message_too_large',
    });
    for (const r of [...small, elsewhere]) {
      expect(of(r.sourceRef.id)).toMatchObject({ published: true, dead_letter_reason: null });
    }

    const onTopic = await deHotline.until(
      (messages) => small.every((r) => messages.some((m) => m.value.includes(r.sourceRef.id))),
      'every small dispatch on de-hotline',
    );
    await nlHotline.until(
      (messages) => messages.some((m) => m.value.includes(elsewhere.sourceRef.id)),
      'the NL dispatch on nl-hotline',
    );
    // Each fits alone, but a partition's share did not fit in one request: it was halved.
    const bytesByPartition = new Map<number, number>();
    for (const m of onTopic) {
      expect(Buffer.byteLength(m.value)).toBeLessThan(LIMIT);
      bytesByPartition.set(
        m.partition,
        (bytesByPartition.get(m.partition) ?? 0) + Buffer.byteLength(m.value),
      );
    }
    expect(Math.max(...bytesByPartition.values())).toBeGreaterThan(LIMIT);
    expect(onTopic.some((m) => m.value.includes(big.sourceRef.id))).toBe(false);
  });
});
