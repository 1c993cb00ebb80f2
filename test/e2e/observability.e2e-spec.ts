/**
 * W7 observability on the real stack: the metrics each app serves move with real traffic
 * and carry only bounded labels; one referral's W3C trace runs from the partner's request
 * through the inbound topic, the router's log lines and the outbox to the recipient's
 * message; readiness follows the routing file; liveness ignores the database.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { Client } from 'pg';
import request from 'supertest';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { LOG_DESTINATION } from '@wissel/observability';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack, type TopicReader } from '../support/stack';
import { testEnv } from '../support/test-env';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

/** Router log lines as pino wrote them (JSON), for the trace assertions. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

const metricsOf = async (app: INestApplication): Promise<string> => {
  const res = await request(app.getHttpServer()).get('/metrics').expect(200);
  return res.text;
};

/** The value of one sample (`name{labels}`), or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

describe('observability', () => {
  let stack: TestStack;
  let gateway: INestApplication;
  let baseUrl: string;
  let router: INestApplication;
  let dispatcher: INestApplication;
  let client: PartnerClient;
  let canonicalIn: TopicReader;
  let nlHotline: TopicReader;
  const routerLogs = new LogCapture();
  const key = generateKeyPairSync('ed25519');
  // The partner's own trace: W3C trace context it sends along with its request.
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const referral = canonicalReferral();

  beforeAll(async () => {
    stack = await TestStack.create('observability');
    // Started first: nestjs-pino logs outside a request through the first app's pino logger,
    // so the router's lines reach the capture. (The apps share this process; lines are told
    // apart by their context, e.g. intake. In production each app is its own process.)
    router = await stack.start('router', { LOG_LEVEL: 'info', CONSUMER_LAG_INTERVAL_MS: '1000' }, [
      [LOG_DESTINATION, routerLogs],
    ]);
    router.useLogger(router.get(Logger));
    ({ app: gateway, baseUrl } = await stack.listen('gateway', {
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    const operator = (path: string, body: unknown) =>
      fetch(baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await operator('/admin/partners', { id: 'iwf', name: 'IWF', sourceSystems: ['IWF'] }))
        .status,
    ).toBe(201);
    expect(
      (
        await operator('/admin/partners/iwf/keys', {
          keyId: 'iwf-obs',
          alg: 'ed25519',
          publicJwk: publicJwk(key.publicKey),
        })
      ).status,
    ).toBe(201);
    client = new PartnerClient({
      baseUrl,
      keyId: 'iwf-obs',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
    dispatcher = await stack.start('dispatcher', { CONSUMER_LAG_INTERVAL_MS: '1000' });
    canonicalIn = await stack.read(stack.topics.canonicalIn);
    nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
  });

  afterAll(async () => {
    await stack.close();
  });

  it('carries a partner traceparent to the inbound topic, the router logs and the recipient', async () => {
    const prepared = client.prepare('POST', '/v1/referrals', JSON.stringify(referral));
    // Not a signed component: adding it leaves the signature valid.
    prepared.headers.traceparent = traceparent;
    const res = await client.send(prepared);
    expect(res.status).toBe(202);
    expect(res.headers['wissel-correlation-id']).toBe(traceId);

    await canonicalIn.until(
      (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
      'the referral on the inbound topic',
    );
    const onTopic = canonicalIn.messages.find((m) => m.value.includes(referral.sourceRef.id))!;
    expect(traceIdOf(onTopic.headers.traceparent)).toBe(traceId);
    expect(onTopic.headers['wissel-correlation-id']).toBe(traceId);

    await nlHotline.until(
      (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
      'the dispatch to nl-hotline',
    );
    const outbound = nlHotline.messages.find((m) => m.value.includes(referral.sourceRef.id))!;
    expect(traceIdOf(outbound.headers.traceparent)).toBe(traceId);
    expect(outbound.headers['wissel-correlation-id']).toBe(traceId);
    // A span of Wissel's own in the same trace, not the partner's span passed through.
    expect(outbound.headers.traceparent).not.toBe(traceparent);

    const stored = await eventually(
      async () =>
        routerLogs.lines.find((l) => l.msg === 'referral stored' && l.trace_id === traceId),
      "the router's log line for the referral, with its trace id",
    );
    expect(stored).toMatchObject({ context: 'intake', correlation_id: traceId, app: 'router' });
    expect(stored.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(routerLogs.lines.some((l) => l.msg === 'batch handled' && l.trace_id === traceId)).toBe(
      true,
    );
    // Nothing the router logged holds the referral's URLs.
    const logged = JSON.stringify(routerLogs.lines);
    for (const locator of referral.locators) expect(logged).not.toContain(locator.url);
  });

  it('moves the gateway counters, by bounded labels only', async () => {
    // A body changed after signing: refused for its digest.
    const tampered = client.prepare('POST', '/v1/referrals', JSON.stringify(canonicalReferral()));
    tampered.body = Buffer.from(JSON.stringify(canonicalReferral()));
    expect((await client.send(tampered)).status).toBe(401);
    // The first referral again: a duplicate submission.
    expect((await client.submit(referral)).status).toBe(202);

    const text = await metricsOf(gateway);
    expect(
      sample(text, 'wissel_partner_submissions_total{format="canonical",outcome="accepted"}'),
    ).toBe(1);
    expect(
      sample(text, 'wissel_partner_submissions_total{format="canonical",outcome="duplicate"}'),
    ).toBe(1);
    expect(sample(text, 'wissel_signature_failures_total{code="digest_mismatch"}')).toBe(1);
    expect(
      sample(
        text,
        'wissel_http_request_duration_seconds_count{method="POST",route="/v1/referrals",status_class="2xx"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'wissel_http_request_duration_seconds_count{method="POST",route="/v1/referrals",status_class="4xx"}',
      ),
    ).toBe(1);
    expect(text).toContain('process_cpu_seconds_total');
    expectNoReportedContent(text);
  });

  it('moves the router counters: received, duplicates, routed, dead letters, stage latencies', async () => {
    // Straight onto Kafka: a repeat of the first sourceRef, an unknown source system, and a
    // message that is not JSON.
    const stranger = canonicalReferral({
      sourceRef: { system: 'evil.example:8080', id: randomUUID() },
    });
    await stack.produce(stack.topics.canonicalIn, [
      asMessage(referral),
      asMessage(stranger),
      'not json at all',
    ]);
    const text = await eventually(async () => {
      const t = await metricsOf(router);
      return (sample(t, 'wissel_dead_letters_total{reason="invalid_json"}') ?? 0) >= 1
        ? t
        : undefined;
    }, 'the router to count the dead letter');

    expect(sample(text, 'wissel_referrals_received_total{source="iwf",format="canonical"}')).toBe(
      2,
    );
    expect(sample(text, 'wissel_referrals_received_total{source="other",format="canonical"}')).toBe(
      1,
    );
    expect(
      sample(text, 'wissel_referrals_received_total{source="unparsed",format="canonical"}'),
    ).toBe(1);
    expect(sample(text, 'wissel_referrals_duplicates_total{layer="source_id"}')).toBe(1);
    expect(sample(text, 'wissel_referrals_stored_total{format="canonical"}')).toBe(2);
    expect(
      sample(text, 'wissel_referrals_routed_total{recipient_kind="national_hotline",country="NL"}'),
    ).toBeGreaterThanOrEqual(1);
    for (const stage of ['parse', 'trace', 'decide', 'store', 'dead_letter', 'batch']) {
      expect(
        sample(text, `wissel_stage_duration_seconds_count{stage="${stage}"}`),
      ).toBeGreaterThanOrEqual(1);
    }
    expectNoReportedContent(text);
    expect(text).not.toContain('evil.example');

    // Lag: every inbound message handled and committed, so the gauge settles at 0.
    const lag = await eventually(async () => {
      const t = await metricsOf(router);
      return sample(
        t,
        'wissel_consumer_lag_messages{consumer="inbound_intake",topic="referrals.in.canonical.v1"}',
      ) === 0
        ? t
        : undefined;
    }, 'the consumer lag gauge at 0');
    expect(lag).not.toContain(stack.prefix);
  });

  it('shows the outbox backlog and the notice clock on the dispatcher', async () => {
    const { rows } = await stack.db.query<{ id: string; case_id: string }>(
      `SELECT r.id, cs.case_id FROM referral r JOIN case_source cs ON cs.referral_id = r.id
        WHERE r.source_id = $1`,
      [referral.sourceRef.id],
    );
    const { id, case_id } = rows[0]!;
    // One notice past its reminder time (at risk), one past its deadline (breached).
    const notice = (reminderHoursAgo: number, deadlineInHours: number) =>
      stack.db.query(
        `INSERT INTO dispatch_state (dispatch_id, referral_id, case_id, recipient_id, status,
           dispatched_at, notice_sent_at, notice_deadline, notice_reminder_at, updated_at)
         VALUES ($1, $2, $3, 'nl-hotline', 'notice_sent', now(), now() - interval '20 hours',
           now() + make_interval(hours => $4), now() - make_interval(hours => $5), now())`,
        [randomUUID(), id, case_id, deadlineInHours, reminderHoursAgo],
      );
    await notice(1, 2);
    await notice(6, -1);

    const text = await eventually(async () => {
      const t = await metricsOf(dispatcher);
      return sample(t, 'wissel_outbox_pending_messages{lane="normal"}') === 0 ? t : undefined;
    }, 'an empty outbox backlog once everything is relayed');
    expect(sample(text, 'wissel_outbox_oldest_pending_age_seconds{lane="normal"}')).toBe(0);
    expect(sample(text, 'wissel_notices_at_risk{recipient="nl-hotline"}')).toBe(1);
    expect(sample(text, 'wissel_notices_breached{recipient="nl-hotline"}')).toBe(1);
    expect(
      sample(text, 'wissel_dispatch_attempts_total{recipient="nl-hotline",outcome="delivered"}'),
    ).toBeGreaterThanOrEqual(1);
    expectNoReportedContent(text);
  });

  it('is not ready while the routing file is unreadable, and ready again once it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wissel-obs-'));
    const routing = join(dir, 'routing.yaml');
    copyFileSync(ROUTING_CONFIG, routing);
    try {
      const app = await stack.start('router', {
        ROUTING_CONFIG: routing,
        ROUTING_CONFIG_CHECK_CACHE_MS: '0',
        ROUTER_GROUP_ID: `${stack.prefix}router-routing-check`,
      });
      const http = app.getHttpServer();
      await eventually(
        async () => (await request(http).get('/health/ready')).status === 200,
        'ready',
      );

      rmSync(routing);
      const down = await request(http).get('/health/ready').expect(503);
      expect(down.body.error.routing_config).toMatchObject({ status: 'down' });
      expect(down.body.error.routing_config.error).toMatch(/cannot be read/);
      expect(down.body.info.geo_data.status).toBe('up');
      await request(http).get('/health/live').expect(200);

      copyFileSync(ROUTING_CONFIG, routing);
      const up = await request(http).get('/health/ready').expect(200);
      expect(up.body.info.routing_config).toMatchObject({ status: 'up', restartNeeded: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays live and keeps serving /metrics while the database is unreachable', async () => {
    const admin = new Client({ connectionString: testEnv.adminDatabaseUrl });
    await admin.connect();
    const db = new URL(stack.env.DATABASE_URL!).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
      const { rows } = await stack.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
        [db, rows[0]!.pid],
      );
      const http = dispatcher.getHttpServer();
      await eventually(
        async () => (await request(http).get('/health/ready')).status === 503,
        'the dispatcher not ready without its database',
      );
      await request(http).get('/health/live').expect(200, { status: 'ok' });
      // The scrape-time gauges cannot be read: they are left out, the scrape still answers.
      const text = await metricsOf(dispatcher);
      expect(sample(text, 'wissel_outbox_pending_messages{lane="normal"}')).toBeUndefined();
      expect(text).toContain('wissel_dispatch_attempts_total');
    } finally {
      await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
      await admin.end();
    }
  });
});

function expectNoReportedContent(text: string): void {
  expect(text).not.toMatch(/[a-z]+:\/\//i);
  expect(text).not.toMatch(/\.example\b/);
  expect(text).not.toMatch(/IWF-[0-9a-f-]{36}/);
}
