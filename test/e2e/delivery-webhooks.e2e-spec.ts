/**
 * Delivery (W6) on the real broker and PostgreSQL: every outbound message signed by Wissel
 * and verified with the partner client against the gateway's /.well-known/jwks.json;
 * webhooks signed with RFC 9421, retried by the (injected) clock, dead-lettered with a
 * metric, and replayed exactly once even with two dispatchers running.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { parse, stringify } from 'yaml';
import { fetchJwks, verifyWisselMessage } from '@wissel/partner-client';
import { DispatchClock } from '@wissel/pipeline';
import { canonicalJson } from '@wissel/signing';
import { main as dispatchesCli } from '../../scripts/dispatches';
import { eventually, ROUTING_CONFIG, TestStack } from '../support/stack';
import { asMessage, canonicalReferral } from '../support/referrals';
import { ManualClock, WebhookRecipient } from '../support/webhook-recipient';

const RETRY_MS = 30_000;

describe('delivery: signed messages, webhooks, retries, dead letters and replay', () => {
  let stack: TestStack;
  let gatewayUrl: string;
  let dispatcherUrl: string;
  let webhook: WebhookRecipient;
  let settings: Record<string, string>;
  const clock = new ManualClock();

  beforeAll(async () => {
    stack = await TestStack.create('delivery');
    webhook = await WebhookRecipient.start(
      () => gatewayUrl,
      () => clock.now(),
    );
    // The routing rules as shipped, with de-hotline taking its dispatches by webhook.
    const rules = parse(readFileSync(ROUTING_CONFIG, 'utf8'));
    rules.recipients['de-hotline'] = {
      ...rules.recipients['de-hotline'],
      delivery: 'webhook',
      webhook: { url: webhook.url, timeoutMs: 2000 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'wissel-delivery-'));
    writeFileSync(join(dir, 'routing.yaml'), stringify(rules));
    settings = {
      ROUTING_CONFIG: join(dir, 'routing.yaml'),
      // Gateway and dispatcher share the generated development key, as on a fresh clone.
      SIGNING_DEV_KEY_DIR: join(dir, 'keys'),
      DELIVERY_RETRY_BASE_MS: String(RETRY_MS),
      DELIVERY_RETRY_MAX_MS: String(RETRY_MS),
      DELIVERY_MAX_ATTEMPTS: '3',
    };
    ({ baseUrl: gatewayUrl } = await stack.listen('gateway', settings));
    await stack.start('router', settings);
    dispatcherUrl = await listen(
      await stack.start('dispatcher', settings, [[DispatchClock, clock]]),
    );
  });

  afterAll(async () => {
    await stack.close();
    await webhook.close();
  });

  async function listen(app: INestApplication): Promise<string> {
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  async function counter(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${dispatcherUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  /** Produces a referral hosted in Germany (de-hotline's, by webhook) and returns its dispatch id. */
  async function germanDispatch(): Promise<string> {
    const referral = canonicalReferral({ hints: { hostingCountry: 'DE' } });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    return eventually(async () => {
      const { rows } = await stack.db.query(
        `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'de-hotline'`,
        [referral.sourceRef.id],
      );
      return rows[0]?.dispatch_id as string | undefined;
    }, 'the de-hotline dispatch');
  }

  async function outboxRow(dispatchId: string) {
    const { rows } = await stack.db.query(
      `SELECT attempts, next_attempt_at, published_at, dead_lettered_at, dead_letter_reason, replays
         FROM outbox WHERE dispatch_id = $1`,
      [dispatchId],
    );
    return rows[0];
  }

  const callsOf = (id: string) => webhook.calls.filter((c) => c.dispatchId === id);

  it('serves the public key set and signs every Kafka dispatch so the partner client verifies it', async () => {
    const response = await fetch(`${gatewayUrl}/.well-known/jwks.json`);
    expect(response.headers.get('content-type')).toContain('application/jwk-set+json');
    const jwks = await fetchJwks(gatewayUrl);
    expect(jwks.keys).toHaveLength(1);
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const referral = canonicalReferral();
    const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const [message] = await nlHotline.until(
      (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
      'the signed dispatch',
    );
    expect(verifyWisselMessage(message!, jwks)).toEqual({ ok: true, keyId: jwks.keys[0]!.kid });
    // The value is the canonical JSON itself: stored as received, it is what was signed.
    expect(canonicalJson(JSON.parse(message!.value))).toBe(message!.value);
    expect(message!.headers['wissel-signature-alg']).toBe('ed25519');
    const tampered = message!.value.replace('"recipient":"nl-hotline"', '"recipient":"de-hotline"');
    expect(verifyWisselMessage({ ...message!, value: tampered }, jwks)).toMatchObject({
      ok: false,
      code: 'signature_invalid',
    });
  });

  it('retries a failing webhook only as the clock moves, then delivers it, signed', async () => {
    webhook.answer = (_, earlier) => (earlier < 2 ? 503 : 200);
    const failedBefore = await counter(
      'wissel_dispatch_attempts_total',
      'recipient="de-hotline",outcome="failed"',
    );
    const id = await germanDispatch();
    await eventually(async () => callsOf(id).length === 1, 'the first attempt');
    const afterFirst = await eventually(async () => {
      const row = await outboxRow(id);
      return row?.attempts === 1 ? row : undefined;
    }, 'the failure recorded');
    expect(afterFirst.next_attempt_at.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(afterFirst.next_attempt_at.getTime()).toBeLessThanOrEqual(
      clock.now().getTime() + RETRY_MS,
    );

    // Several poll rounds of real time: with the clock standing still, nothing is retried.
    await new Promise((r) => setTimeout(r, 1000));
    expect(callsOf(id)).toHaveLength(1);

    clock.advance(RETRY_MS);
    await eventually(async () => callsOf(id).length === 2, 'the second attempt');
    clock.advance(RETRY_MS);
    await eventually(async () => Boolean((await outboxRow(id))?.published_at), 'the delivery');

    expect(callsOf(id).map((c) => c.status)).toEqual([503, 503, 200]);
    expect(callsOf(id).every((c) => c.verified === true)).toBe(true);
    expect(JSON.parse(callsOf(id)[2]!.value)).toMatchObject({
      dispatchId: id,
      recipient: 'de-hotline',
    });
    expect(await outboxRow(id)).toMatchObject({ attempts: 3, dead_lettered_at: null });
    expect(
      await counter('wissel_dispatch_attempts_total', 'recipient="de-hotline",outcome="failed"'),
    ).toBe(failedBefore + 2);
  });

  let refused: string;
  let exhausted: string;

  it('dead-letters a refused webhook at once and one that keeps failing after the bound, and counts both', async () => {
    const deadBefore = await counter(
      'wissel_dispatch_dead_letters_total',
      'recipient="de-hotline"',
    );
    webhook.answer = () => 410;
    refused = await germanDispatch();
    await eventually(
      async () => Boolean((await outboxRow(refused))?.dead_lettered_at),
      'the dead letter',
    );
    expect(await outboxRow(refused)).toMatchObject({
      attempts: 1,
      published_at: null,
      dead_letter_reason: 'http_410',
    });

    webhook.answer = () => 500;
    exhausted = await germanDispatch();
    for (let attempt = 1; attempt <= 3; attempt++) {
      await eventually(async () => callsOf(exhausted).length === attempt, `attempt ${attempt}`);
      clock.advance(RETRY_MS);
    }
    await eventually(
      async () => Boolean((await outboxRow(exhausted))?.dead_lettered_at),
      'the dead letter',
    );
    expect(await outboxRow(exhausted)).toMatchObject({
      attempts: 3,
      dead_letter_reason: 'attempts_exhausted',
    });
    // Given up: however far the clock moves, no fourth attempt.
    clock.advance(RETRY_MS * 10);
    await new Promise((r) => setTimeout(r, 600));
    expect(callsOf(exhausted)).toHaveLength(3);
    expect(await counter('wissel_dispatch_dead_letters_total', 'recipient="de-hotline"')).toBe(
      deadBefore + 2,
    );
  });

  it('replays dead letters so each is delivered exactly once, even with two dispatchers and repeated replays', async () => {
    const io = (out: string[]) => ({
      out: (line: string) => out.push(line),
      err: () => undefined,
      env: { ...process.env, DATABASE_URL: stack.env.DATABASE_URL },
    });
    const listed: string[] = [];
    expect(await dispatchesCli(['list-dead', '--recipient', 'de-hotline'], io(listed))).toBe(0);
    expect(listed.map((l) => JSON.parse(l).dispatchId).sort()).toEqual([refused, exhausted].sort());

    await stack.start('dispatcher', settings, [[DispatchClock, clock]]);
    webhook.answer = () => 200;
    // Replays race each other and both dispatchers' relays.
    const replayed: string[] = [];
    const codes = await Promise.all([
      dispatchesCli(['replay', '--id', refused], io(replayed)),
      dispatchesCli(['replay', '--recipient', 'de-hotline'], io(replayed)),
      dispatchesCli(['replay', '--all'], io(replayed)),
    ]);
    expect(codes).toEqual([0, 0, 0]);
    // Each dead letter moved back by exactly one of the three.
    expect(replayed.map((l) => JSON.parse(l).replayed).sort()).toEqual([refused, exhausted].sort());

    for (const id of [refused, exhausted]) {
      await eventually(
        async () => Boolean((await outboxRow(id))?.published_at),
        'the replayed delivery',
      );
    }
    // More replays after delivery move nothing.
    const again: string[] = [];
    expect(await dispatchesCli(['replay', '--all'], io(again))).toBe(0);
    expect(await dispatchesCli(['replay', '--id', refused], io(again))).toBe(0);
    expect(again).toEqual([]);
    await new Promise((r) => setTimeout(r, 600));
    expect(webhook.deliveries(refused)).toBe(1);
    expect(webhook.deliveries(exhausted)).toBe(1);
    expect(await outboxRow(refused)).toMatchObject({ replays: 1, attempts: 1 });
    // Every request the recipient ever got carried both valid signatures.
    expect(webhook.calls.filter((c) => c.verified !== true)).toEqual([]);
  });

  it('refuses usage errors in the replay command', async () => {
    const io = { out: () => undefined, err: () => undefined, env: process.env };
    expect(await dispatchesCli(['replay'], io)).toBe(2);
    expect(await dispatchesCli(['replay', '--all', '--recipient', 'x'], io)).toBe(2);
    expect(await dispatchesCli(['replay', '--id', 'not-a-uuid'], io)).toBe(2);
  });
});
