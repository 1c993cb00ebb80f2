/**
 * The operator dashboard (W7) in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) on the real stack: gateway, router and dispatcher on the real broker
 * and PostgreSQL. The page asks for the operator token, shows its figures, they move when
 * referrals flow, a webhook that refuses makes a dead letter the page shows and inspects,
 * and its Replay button gets that dispatch delivered exactly once. Saves a screenshot to
 * .cache/screenshots/dashboard.png.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack } from '../support/stack';
import { WebhookRecipient } from '../support/webhook-recipient';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const SCREENSHOTS = resolve(__dirname, '../../.cache/screenshots');
// Real addresses, checked against the packaged data (see jurisdiction.e2e-spec.ts).
const ZONE = {
  // LeaseWeb Netherlands B.V., AS60781: NL / NL → nl-hotline.
  'nl.dashboard.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  // Hetzner Online GmbH, AS24940: DE / DE → de-hotline, by webhook here.
  'de.dashboard.test': [{ type: 'A' as const, address: '88.198.10.10' }],
};

describe('operator dashboard in Chromium', () => {
  let stack: TestStack;
  let baseUrl: string;
  let webhook: WebhookRecipient;
  let browser: Browser;
  let page: Page;
  let deadDispatch: string;

  beforeAll(async () => {
    stack = await TestStack.create('dashboard');
    stack.dns.setZone(ZONE);
    webhook = await WebhookRecipient.start(
      () => baseUrl,
      () => new Date(),
    );
    // A refusal (4xx other than 408/429) dead-letters at the first attempt: no retry clock.
    webhook.answer = () => 400;
    const rules = parse(readFileSync(ROUTING_CONFIG, 'utf8'));
    rules.recipients['de-hotline'] = {
      ...rules.recipients['de-hotline'],
      delivery: 'webhook',
      webhook: { url: webhook.url, timeoutMs: 2000 },
    };
    const dir = mkdtempSync(join(tmpdir(), 'wissel-dashboard-'));
    writeFileSync(join(dir, 'routing.yaml'), stringify(rules));
    const settings = {
      ROUTING_CONFIG: join(dir, 'routing.yaml'),
      // Gateway (JWKS) and dispatcher (signer) share the generated development key.
      SIGNING_DEV_KEY_DIR: join(dir, 'keys'),
    };
    ({ baseUrl } = await stack.listen('gateway', {
      ...settings,
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    await stack.start('router', settings);
    await stack.start('dispatcher', settings);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await webhook?.close();
  });

  const text = (testid: string) => page.getByTestId(testid).innerText();
  /** Waits until a page element shows `expected` (the page polls every 3 s). */
  const shows = (testid: string, expected: string) =>
    eventually(
      async () => (await text(testid).catch(() => '')).trim() === expected,
      `${testid} = ${expected}`,
    );

  async function produce(host: string, count: number): Promise<string[]> {
    const referrals = Array.from({ length: count }, () =>
      canonicalReferral({
        sourceRef: { system: 'DASH-TEST', id: `D-${randomUUID()}` },
        via: [],
        locators: [{ kind: 'web_page', url: `https://${host}/${randomUUID()}.jpg` }],
        hints: {},
      }),
    );
    await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage));
    return referrals.map((r) => r.sourceRef.id);
  }

  it('serves a page without data under a strict CSP, and the data only with the operator token', async () => {
    const response = await page.goto(`${baseUrl}/dashboard`);
    expect(response!.status()).toBe(200);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await fetch(`${baseUrl}/admin/dashboard.json`)).status).toBe(401);

    await page.getByTestId('token').fill('not-the-token');
    await page.getByTestId('sign-in').click();
    await eventually(
      async () => /not accept/.test(await page.locator('#login-error').innerText()),
      'the refusal shown',
    );
    // A string: this project's TypeScript has no DOM types.
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await page.getByTestId('token').fill(OPERATOR_TOKEN);
    await page.getByTestId('sign-in').click();
    await shows('health-status', 'all dependencies up');
    for (const check of ['database', 'kafka_producer', 'kafka_topics']) {
      expect(await text(`health-${check}`)).toContain('up');
    }
    expect(await text('received-window')).toBe('0');
    expect(await text('decided-window')).toBe('0');
    expect(await text('dead-letter-total')).toBe('0');
  });

  it('shows throughput and routes move as referrals flow', async () => {
    await produce('nl.dashboard.test', 3);
    const [german] = await produce('de.dashboard.test', 1);
    await shows('received-window', '4');
    await shows('decided-window', '4');
    await shows('received-24h', '4');
    expect(await text('route-country-NL')).toMatch(/NL\s+3/);
    expect(await text('route-country-DE')).toMatch(/DE\s+1/);
    expect(await text('route-recipient-nl-hotline')).toMatch(/nl-hotline\s+3/);
    expect(await text('route-recipient-de-hotline')).toMatch(/de-hotline\s+1/);

    deadDispatch = await eventually(async () => {
      const { rows } = await stack.db.query<{ dispatch_id: string }>(
        `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'de-hotline' AND o.dead_lettered_at IS NOT NULL`,
        [german],
      );
      return rows[0]?.dispatch_id;
    }, 'the de-hotline dispatch dead-lettered');
  });

  it('lists the dead letter and inspects it without showing the reported URL', async () => {
    await shows('dead-letter-total', '1');
    await shows('stage-dead_letters-backlog', '1');
    const row = await text(`dead-letter-${deadDispatch}`);
    expect(row).toContain('de-hotline');
    expect(row).toContain('http_400');

    await page.getByTestId(`inspect-${deadDispatch}`).click();
    await eventually(async () => page.getByTestId('inspect').isVisible(), 'the inspect panel');
    expect(await text('inspect-dispatch')).toBe(deadDispatch);
    expect(await text('inspect-reason')).toBe('http_400');
    expect(await text('inspect-last-error')).toContain('400');
    expect(await text('inspect-topic')).toBe(stack.topics.outbound('de-hotline'));
    // Nothing on the page names a reported host or URL.
    expect(await page.locator('body').innerText()).not.toMatch(/dashboard\.test|https?:\/\//);

    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, 'dashboard.png');
    await page.screenshot({ path, fullPage: true });
    console.log(`dashboard screenshot: ${path}`);
  });

  it('replays the dead letter from the page: delivered once, gone from the list', async () => {
    webhook.answer = () => 200;
    await page.getByTestId(`replay-${deadDispatch}`).click();
    await eventually(async () => /^Replayed dispatch/.test(await text('message')), 'the replay');
    await shows('dead-letter-total', '0');
    await eventually(
      async () => (await page.getByTestId(`dead-letter-${deadDispatch}`).count()) === 0,
      'the row gone',
    );
    await eventually(async () => webhook.deliveries(deadDispatch) === 1, 'the delivery');
    const { rows } = await stack.db.query(
      `SELECT published_at, dead_lettered_at, replays FROM outbox WHERE dispatch_id = $1`,
      [deadDispatch],
    );
    expect(rows[0]).toMatchObject({ dead_lettered_at: null, replays: 1 });
    expect(rows[0].published_at).not.toBeNull();

    // A second replay of the same dispatch moves nothing: refused, and nothing is sent again.
    const again = await fetch(`${baseUrl}/admin/dispatches/${deadDispatch}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'dispatch_not_dead_lettered' });
    await new Promise((r) => setTimeout(r, 600));
    expect(webhook.calls.filter((c) => c.dispatchId === deadDispatch).map((c) => c.status)).toEqual(
      [400, 200],
    );
    expect(webhook.calls.every((c) => c.verified === true)).toBe(true);

    await page.screenshot({
      path: join(SCREENSHOTS, 'dashboard-after-replay.png'),
      fullPage: true,
    });
  });

  it('lists an inbound dead letter, reveals its bytes with a reason and replays it once', async () => {
    const bad = '{"schema": "wissel.referral/2", "sourceRef": ';
    const [offset] = await stack.produce(stack.topics.canonicalIn, [bad]);
    const id = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT id FROM inbound_dead_letter WHERE origin_topic = $1 AND origin_offset = $2`,
        [stack.topics.canonicalIn, offset],
      );
      return rows[0]?.id;
    }, 'the dead letter indexed');
    await eventually(
      async () => (await page.getByTestId(`inbound-dead-letter-${id}`).count()) === 1,
      'the inbound dead letter listed',
    );
    const row = await text(`inbound-dead-letter-${id}`);
    expect(row).toContain('invalid_json');
    expect(row).toContain(`${stack.topics.canonicalIn}:0:${offset}`);
    // The bytes are not on the page until revealed.
    expect(await page.locator('body').innerText()).not.toContain(bad);

    await page.getByTestId(`inbound-inspect-${id}`).click();
    await eventually(async () => page.getByTestId('inbound-inspect').isVisible(), 'the panel');
    expect(await text('inbound-inspect-reason')).toBe('invalid_json');
    page.once('dialog', (dialog) => void dialog.accept('checking the refused batch, ticket 4711'));
    await page.getByTestId('inbound-reveal').click();
    await eventually(async () => (await text('inbound-payload')) === bad, 'the bytes revealed');
    const audit = await stack.db.query(
      `SELECT details->>'reason' AS reason FROM audit_event
        WHERE action = 'dead_letter.payload_revealed' AND subject = $1`,
      [id],
    );
    expect(audit.rows).toEqual([{ reason: 'checking the refused batch, ticket 4711' }]);

    await page.getByTestId(`inbound-replay-${id}`).click();
    await eventually(async () => /^Replayed dead letter/.test(await text('message')), 'replayed');
    await eventually(
      async () => page.getByTestId(`inbound-replay-${id}`).isDisabled(),
      'replay no longer offered',
    );
    // Replayed to its origin topic, where it is refused again: a new dead letter.
    await eventually(async () => {
      const again = await stack.db.query(
        `SELECT 1 FROM inbound_dead_letter WHERE origin_topic = $1 AND origin_offset > $2`,
        [stack.topics.canonicalIn, offset],
      );
      return again.rows.length === 1;
    }, 'the replay dead-lettered again');
  });
});
