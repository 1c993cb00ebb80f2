/**
 * The operations API on the real stack (W5): police holds set and lifted over HTTP, the
 * decision record read by an operator, and origin disclosures from an operator and from a
 * partner over the signed API — each re-routing what the router decided on real addresses.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { PartnerClient } from '@wissel/partner-client';
import { DiscloseOriginUseCase, ReleaseExpiredHoldsUseCase } from '@wissel/pipeline';
import { publicJwk } from '@wissel/signing';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

// Real addresses, checked against the packaged data (see jurisdiction.e2e-spec.ts).
const ZONE = {
  // LeaseWeb Netherlands B.V., AS60781: NL / NL.
  'held.ops.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  'expiring.ops.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  'stranded.ops.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  // Cloudflare, AS13335: a CDN edge.
  'shop.cdn-ops.test': [{ type: 'A' as const, address: '104.16.0.1' }],
  'blog.cdn-ops.test': [{ type: 'A' as const, address: '104.16.0.2' }],
  'old.cdn-ops.test': [{ type: 'A' as const, address: '104.16.0.3' }],
};

interface Problem {
  code: string;
  status: number;
  field?: string;
}
interface DecisionView {
  rule: string;
  recipients: string[];
  held: boolean;
  cause: string;
  rulesetVersion: string;
  evidence: {
    facts: { hosts: Array<{ host: string; addresses: Array<{ asn?: number }> }> };
    hosting: Array<Record<string, unknown>>;
  };
}
interface RecordView {
  referral: { id: string };
  decisions: DecisionView[];
  dispatches: Array<{ recipientId: string }>;
}

describe('operations API: holds, decision records, origin disclosures', () => {
  let stack: TestStack;
  let baseUrl: string;
  let router: INestApplication;
  const partnerKey = generateKeyPairSync('ed25519');

  const operator = async (method: string, path: string, body?: unknown, token = OPERATOR_TOKEN) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };

  /** Produces a referral for one URL and returns its id once decided. */
  async function routed(url: string, system = 'OPS-TEST'): Promise<string> {
    const referral = canonicalReferral({
      sourceRef: { system, id: `O-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url }],
      hints: {},
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    return eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id WHERE r.source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0]?.id;
    }, 'the referral decided');
  }

  const record = async (id: string) => {
    const res = await operator('GET', `/admin/referrals/${id}/decision`);
    expect(res.status).toBe(200);
    return res.body as RecordView;
  };

  beforeAll(async () => {
    stack = await TestStack.create('operations');
    stack.dns.setZone(ZONE);
    ({ baseUrl } = await stack.listen('gateway', {
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    router = await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('refuses every operations endpoint without the operator token', async () => {
    for (const [method, path] of [
      ['POST', '/admin/holds'],
      ['DELETE', `/admin/holds/${randomUUID()}`],
      ['GET', `/admin/referrals/${randomUUID()}/decision`],
      ['POST', '/admin/origin-disclosures'],
    ] as const) {
      const res = await operator(method, path, method === 'GET' ? undefined : {}, 'wrong');
      expect({ path, status: res.status, code: (res.body as Problem).code }).toEqual({
        path,
        status: 401,
        code: 'operator_unauthenticated',
      });
    }
  });

  it('holds a domain for the police over HTTP, shows it in the decision record, and releases it when lifted', async () => {
    const set = await operator('POST', '/admin/holds', {
      kind: 'domain',
      value: 'HELD.ops.test',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      setBy: 'nl-police/tbkk-17',
      reference: 'NL-2026-0042',
    });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({ kind: 'domain', value: 'held.ops.test' });
    const holdId = (set.body as { id: string }).id;
    expect((await operator('GET', `/admin/holds/${holdId}`)).body).toMatchObject({ id: holdId });

    const id = await routed('https://held.ops.test/a.jpg');
    const held = await record(id);
    expect(held.decisions).toHaveLength(1);
    expect(held.decisions[0]).toMatchObject({
      rule: 'police_hold',
      recipients: ['nl-police'],
      held: true,
    });
    // The evidence: the traced host with its address's AS, and the rule-set version.
    expect(held.decisions[0]!.evidence.facts.hosts[0]).toMatchObject({
      host: 'held.ops.test',
      addresses: [expect.objectContaining({ asn: 60781 })],
    });
    expect(held.decisions[0]!.rulesetVersion).toMatch(/^2026-/);

    const lifted = await operator('DELETE', `/admin/holds/${holdId}`, { liftedBy: 'nl-police' });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ released: 1 });
    const released = await record(id);
    expect(released.decisions.map((d) => [d.cause, d.rule])).toEqual([
      ['hold_lifted', 'hosted_at_home'],
      ['intake', 'police_hold'],
    ]);
    expect(released.dispatches.map((d) => d.recipientId).sort()).toEqual([
      'nl-hotline',
      'nl-police',
    ]);
  });

  it('ends a hold at its expiry and releases the notice-and-takedown that waited', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const set = await operator('POST', '/admin/holds', {
      kind: 'domain',
      value: 'expiring.ops.test',
      expiresAt: expiresAt.toISOString(),
      setBy: 'nl-police/tbkk-17',
    });
    expect(set.status).toBe(201);
    const id = await routed('https://expiring.ops.test/b.jpg');
    expect((await record(id)).decisions[0]).toMatchObject({ rule: 'police_hold', held: true });

    const release = router.get(ReleaseExpiredHoldsUseCase);
    // Before the expiry nothing ends; at a time past it (no waiting: time is a parameter)
    // the hold ends and the referral goes to the hotline.
    expect(await release.execute(new Date(expiresAt.getTime() - 1000))).toEqual({
      expired: 0,
      released: 0,
    });
    expect(await release.execute(new Date(expiresAt.getTime() + 1000))).toEqual({
      expired: 1,
      released: 1,
    });
    expect((await record(id)).decisions[0]).toMatchObject({
      cause: 'hold_lifted',
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
    });
    const hold = await operator('GET', `/admin/holds/${(set.body as { id: string }).id}`);
    expect(hold.body).toMatchObject({ liftedBy: 'expiry' });
    // Ended once: a second run finds nothing to end.
    expect((await release.execute(new Date(expiresAt.getTime() + 2000))).expired).toBe(0);
  });

  it('releases a referral a lifted hold left held (the lift committed, its re-decisions did not run)', async () => {
    const set = await operator('POST', '/admin/holds', {
      kind: 'domain',
      value: 'stranded.ops.test',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      setBy: 'nl-police/tbkk-18',
    });
    expect(set.status).toBe(201);
    const id = await routed('https://stranded.ops.test/c.jpg');
    expect((await record(id)).decisions[0]).toMatchObject({ rule: 'police_hold', held: true });
    // The lift commits; the process dies before it decides the held referrals again.
    await stack.db.query(
      `UPDATE police_hold SET lifted_at = now(), lifted_by = 'nl-police/tbkk-18' WHERE id = $1`,
      [(set.body as { id: string }).id],
    );
    const release = router.get(ReleaseExpiredHoldsUseCase);
    expect(await release.execute(new Date())).toEqual({ expired: 0, released: 1 });
    expect((await record(id)).decisions[0]).toMatchObject({
      cause: 'hold_lifted',
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
    });
    expect((await release.execute(new Date())).released).toBe(0);
  });

  it('answers bad hold requests with the field at fault, and unknown ids with 404', async () => {
    const bad = await operator('POST', '/admin/holds', {
      kind: 'ip',
      value: '1.2.3.4',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      setBy: 'x',
    });
    expect(bad.type).toMatch(/^application\/problem\+json/);
    expect(bad.body).toMatchObject({ status: 422, code: 'police_hold_invalid', field: '/kind' });
    const past = await operator('POST', '/admin/holds', {
      kind: 'domain',
      value: 'x.example',
      expiresAt: '2020-01-01T00:00:00Z',
      setBy: 'x',
    });
    expect(past.body).toMatchObject({ status: 422, field: '/expiresAt' });
    const missing = await operator('DELETE', `/admin/holds/${randomUUID()}`, { liftedBy: 'x' });
    expect(missing.body).toMatchObject({ status: 404, code: 'police_hold_not_found' });
    const noRecord = await operator('GET', `/admin/referrals/${randomUUID()}/decision`);
    expect(noRecord.body).toMatchObject({ status: 404, code: 'decision_record_not_found' });
  });

  it('re-routes a CDN case when an operator discloses its origin', async () => {
    const id = await routed('https://shop.cdn-ops.test/p/1');
    expect((await record(id)).decisions[0]).toMatchObject({
      rule: 'behind_cdn',
      recipients: ['review'],
    });
    const refused = await operator('POST', '/admin/origin-disclosures', {
      host: 'shop.cdn-ops.test',
    });
    expect(refused.body).toMatchObject({ status: 422, code: 'origin_disclosure_invalid' });

    const disclosed = await operator('POST', '/admin/origin-disclosures', {
      host: 'shop.cdn-ops.test',
      originCountry: 'FR',
      note: 'from the CDN abuse desk',
    });
    expect(disclosed.status).toBe(201);
    expect((disclosed.body as { rerouted: unknown[] }).rerouted).toHaveLength(1);
    expect((await record(id)).decisions[0]).toMatchObject({
      cause: 'origin_disclosure',
      rule: 'hosted_abroad_partner',
      recipients: ['fr-hotline'],
    });
  });

  it('lets a partner disclose an origin for its own referrals, until an operator confirms it', async () => {
    const registered = await operator('POST', '/admin/partners', {
      id: 'eco',
      name: 'eco',
      sourceSystems: ['ECO'],
    });
    expect(registered.status).toBe(201);
    const key = await operator('POST', '/admin/partners/eco/keys', {
      keyId: 'eco-1',
      alg: 'ed25519',
      publicJwk: publicJwk(partnerKey.publicKey),
    });
    expect(key.status).toBe(201);
    const own = await routed('https://blog.cdn-ops.test/post', 'ECO');
    const others = await routed('https://blog.cdn-ops.test/other', 'OPS-TEST');
    expect((await record(own)).decisions[0]!.rule).toBe('behind_cdn');

    const client = new PartnerClient({
      baseUrl,
      keyId: 'eco-1',
      key: { alg: 'ed25519', privateKey: partnerKey.privateKey },
    });
    const disclose = (fields: Record<string, unknown>) =>
      client.send(client.prepare('POST', '/v1/origin-disclosures', JSON.stringify(fields)));
    // Never a whole top-level domain or any other public suffix.
    for (const host of ['test', 'com', 'co.uk', 'github.io']) {
      const refused = await disclose({ host, originCountry: 'GB' });
      expect(refused.body).toMatchObject({ status: 422, field: '/host' });
    }
    const res = await disclose({ host: 'blog.cdn-ops.test', originIps: ['88.198.10.10'] });
    expect(res.status).toBe(201);
    const disclosure = res.body as { id: string; rerouted: number; sourceSystems: string[] };
    expect(disclosure).toMatchObject({ rerouted: 1, sourceSystems: ['ECO'] });
    // Hetzner, DE: the German partner hotline takes the removal, and the record says who disclosed.
    const decided = (await record(own)).decisions[0]!;
    expect(decided).toMatchObject({ cause: 'origin_disclosure', recipients: ['de-hotline'] });
    expect(decided.evidence.hosting).toEqual([
      expect.objectContaining({ basis: 'disclosure', disclosedBy: 'partner:eco' }),
    ]);
    // Another partner's referral on the same host is not moved by it.
    expect((await record(others)).decisions[0]).toMatchObject({ rule: 'behind_cdn' });

    // An operator confirms it: now it applies to everyone, and the other case is routed.
    const confirmed = await operator('POST', `/admin/origin-disclosures/${disclosure.id}/confirm`);
    expect(confirmed.body).toMatchObject({ rerouted: 1 });
    expect((await record(others)).decisions[0]).toMatchObject({ recipients: ['de-hotline'] });

    // Withdrawn by the partner: the cases it located go back to review.
    const withdrawn = await client.send(
      client.prepare('DELETE', `/v1/origin-disclosures/${disclosure.id}`),
    );
    expect(withdrawn.body).toMatchObject({ rerouted: 2 });
    expect((await record(own)).decisions[0]).toMatchObject({ rule: 'behind_cdn' });
    const again = await client.send(
      client.prepare('DELETE', `/v1/origin-disclosures/${disclosure.id}`),
    );
    expect(again.status).toBe(404);
    const { rows } = await stack.db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE subject = $1 ORDER BY id`,
      [disclosure.id],
    );
    // The operator's confirming request is audited as an operator action too.
    expect(rows.map((r) => r.action)).toEqual([
      'origin.disclosed',
      'origin.confirmed',
      'operator.action',
      'origin.withdrawn',
    ]);

    // Unsigned, it is refused like any partner request.
    const unsigned = await fetch(`${baseUrl}/v1/origin-disclosures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'blog.cdn-ops.test', originCountry: 'NL' }),
    });
    expect(unsigned.status).toBe(401);
  });

  it('applies a disclosure only until it expires', async () => {
    const id = await routed('https://old.cdn-ops.test/p');
    const past = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    const { disclosure } = await router.get(DiscloseOriginUseCase).execute(
      {
        host: 'old.cdn-ops.test',
        originCountry: 'FR',
        disclosedBy: 'operator:test',
        expiresInDays: 1,
      },
      past,
    );
    expect(new Date(disclosure.expiresAt).getTime()).toBeLessThan(Date.now());
    const later = await routed('https://old.cdn-ops.test/q');
    expect((await record(later)).decisions[0]).toMatchObject({ rule: 'behind_cdn' });
    expect((await record(id)).decisions[0]).toMatchObject({ rule: 'behind_cdn' });
  });
});
