/**
 * The attack table (docs/security/attack-table.md): a malicious partner, an outsider and an
 * over-curious operator against the built all-in-one app, over real HTTP, each attempt with
 * the answer Wissel must give. Every finding of the security review (V1–V10 and the ones
 * "also seen") has a row that failed before its fix; the hostile-input corpus and the
 * signing refusals that already held have rows too, so they stay refused. One partner signs
 * with an independent RFC 9421 implementation (http-message-signatures), so Wissel's
 * signing is checked against code this project did not write.
 */
import { execFile } from 'node:child_process';
import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign as edSign,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpbis } from 'http-message-signatures';
import { type Client } from 'pg';
import { PartnerClient, type PartnerResponse } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import {
  BASE_POINT,
  decodeScalar,
  encodeScalar,
  L,
  SMALL_ORDER_POINTS,
} from '../../libs/signing/src/ed25519-small-order.fixtures';
import {
  answerOf,
  publishAttackTable,
  type Attack,
  type AttackResult,
} from '../support/attack-table';
import { DnsTestServer } from '../support/dns-test-server';
import { EmbeddedApp } from '../support/embedded-app';
import { hostileCorpus } from '../support/hostile-corpus';
import { nodeRequest, rawRequest } from '../support/raw-http';
import { canonicalReferral } from '../support/referrals';
import { eventually } from '../support/stack';

jest.setTimeout(120_000);

const VIEWER = randomBytes(24).toString('base64url');
const OPERATOR = randomBytes(24).toString('base64url');
const MAX_MESSAGE_BYTES = 240 * 1024;
const MAX_BODY_BYTES = 256 * 1024;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Real addresses, checked against the packaged data (see jurisdiction.e2e-spec.ts).
const ZONE = {
  // Cloudflare, AS13335: a CDN edge.
  'shop.cdn-attack.test': [{ type: 'A' as const, address: '104.16.0.1' }],
  // LeaseWeb Netherlands B.V., AS60781: NL, no CDN.
  'plain.attack.test': [{ type: 'A' as const, address: '95.211.184.10' }],
};
const HETZNER_DE = '88.198.10.10';

const CONTENT_TYPES: Record<string, string> = {
  canonical: 'application/json',
  cybertip: 'application/xml',
  xarf: 'application/vnd.xarf+json',
  iccam: 'application/vnd.iccam.report+json',
};

/** A JPEG's first bytes and some more, base64: what a file smuggled into a field looks like. */
const JPEG_BASE64 = Buffer.concat([
  Buffer.from('ffd8ffe000104a46494600010101004800480000', 'hex'),
  randomBytes(2048),
]).toString('base64');

interface Http {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

describe('attack table', () => {
  let dns: DnsTestServer;
  let app: EmbeddedApp;
  let db: Client;
  let admin: string;
  const keys = {
    alpha: generateKeyPairSync('ed25519'),
    alphaOld: generateKeyPairSync('ed25519'),
    beta: generateKeyPairSync('ed25519'),
    stranger: generateKeyPairSync('ed25519'),
  };
  let alpha: PartnerClient;
  let beta: PartnerClient;
  const results: AttackResult[] = [];

  const client = (keyId: string, privateKey: KeyObject, now?: () => Date) =>
    new PartnerClient({
      baseUrl: app.baseUrl,
      keyId,
      key: { alg: 'ed25519', privateKey },
      ...(now ? { now } : {}),
    });

  const call = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Http> => {
    const res = await fetch(app.baseUrl + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the status says it
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const answer = (res: { status: number; body: unknown }) => answerOf(res.status, res.body);

  const alphaReferral = (overrides: Record<string, unknown> = {}) =>
    canonicalReferral({ sourceRef: { system: 'ALPHA', id: `A-${randomUUID()}` }, ...overrides });

  /** Submits as alpha and waits for the router's decision; returns the referral id. */
  async function decided(referral: { sourceRef: { id: string } }): Promise<string> {
    const res = await alpha.submit(referral);
    if (res.status !== 202) throw new Error(`not accepted: ${JSON.stringify(res.body)}`);
    return eventually(async () => {
      const { rows } = await db.query<{ id: string }>(
        `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id
          WHERE r.source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0]?.id;
    }, 'the referral decided');
  }

  const routeOf = async (referralId: string): Promise<string> => {
    const record = await call('GET', `/admin/referrals/${referralId}/decision`, admin);
    const decision = (record.body.decisions as Array<{ rule: string; recipients: string[] }>)[0]!;
    return `${decision.rule} → ${decision.recipients.join(',') || 'nobody'}`;
  };

  const storedCount = async (sourceIds: string[]) => {
    const { rows } = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM partner_submission WHERE source_id = ANY($1))
            + (SELECT count(*) FROM message_log
                WHERE convert_from(value, 'UTF8') LIKE ANY (SELECT '%' || s || '%' FROM unnest($1::text[]) s)) AS n`,
      [sourceIds],
    );
    return Number(rows[0]!.n);
  };

  beforeAll(async () => {
    dns = await DnsTestServer.start(ZONE);
    app = await EmbeddedApp.create({
      DNS_SERVERS: dns.address,
      DNS_TIMEOUT_MS: '300',
      DNS_TRIES: '1',
      MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      PURGE_INTERVAL_MS: '1000',
      OPERATOR_TOKEN_SHA256: `${sha256(VIEWER)}:viewer:attack-viewer,${sha256(OPERATOR)}:operator:attack-operator`,
    });
    await app.start();
    admin = app.operatorToken();
    db = await app.db();
    for (const [id, system] of [
      ['alpha', 'ALPHA'],
      ['beta', 'BETA'],
    ] as const) {
      const made = await call('POST', '/admin/partners', admin, {
        id,
        name: id,
        sourceSystems: [system],
      });
      if (made.status !== 201) throw new Error(made.text);
    }
    for (const [partner, keyId, key] of [
      ['alpha', 'alpha-1', keys.alpha],
      ['alpha', 'alpha-old', keys.alphaOld],
      ['beta', 'beta-1', keys.beta],
    ] as const) {
      const added = await call('POST', `/admin/partners/${partner}/keys`, admin, {
        keyId,
        alg: 'ed25519',
        publicJwk: publicJwk(key.publicKey),
      });
      if (added.status !== 201) throw new Error(added.text);
    }
    alpha = client('alpha-1', keys.alpha.privateKey);
    beta = client('beta-1', keys.beta.privateKey);
  });

  afterAll(async () => {
    publishAttackTable(results);
    await db?.end();
    await app?.dispose();
    await dns?.close();
  });

  const signing: Attack[] = [
    {
      area: 'auth',
      attempt: 'submit without a signature',
      expected: '401 signature_missing',
      run: async () => {
        const prepared = alpha.prepare('POST', '/v1/referrals', JSON.stringify(alphaReferral()));
        delete prepared.headers.signature;
        delete prepared.headers['signature-input'];
        return answer(await alpha.send(prepared));
      },
    },
    {
      area: 'auth',
      attempt: 'sign with a key id nobody registered',
      expected: '401 signature_invalid',
      run: async () =>
        answer(await client('nobody-1', keys.stranger.privateKey).submit(alphaReferral())),
    },
    {
      area: 'auth',
      attempt: "sign with partner beta's key under alpha's key id",
      expected: '401 signature_invalid',
      run: async () =>
        answer(await client('alpha-1', keys.beta.privateKey).submit(alphaReferral())),
    },
    {
      area: 'auth',
      attempt: 'sign with a revoked key',
      expected: '401 signature_invalid',
      run: async () => {
        const revoked = await call('DELETE', '/admin/partners/alpha/keys/alpha-old', admin);
        if (revoked.status !== 200) return `revocation failed: ${revoked.status}`;
        return answer(await client('alpha-old', keys.alphaOld.privateKey).submit(alphaReferral()));
      },
    },
    {
      area: 'also seen',
      attempt: 'tell an unknown key, a revoked key and a bad signature apart by their answers',
      expected: 'identical answers',
      run: async () => {
        const bodies = await Promise.all(
          [
            client('nobody-2', keys.stranger.privateKey),
            client('alpha-old', keys.alphaOld.privateKey),
            client('alpha-1', keys.stranger.privateKey),
          ].map(async (c) => {
            const res = await c.submit(alphaReferral());
            const { instance: _, ...rest } = res.body as Record<string, unknown>;
            return JSON.stringify([res.status, rest]);
          }),
        );
        return new Set(bodies).size === 1 ? 'identical answers' : `differ: ${bodies.join(' / ')}`;
      },
    },
    {
      area: 'auth',
      attempt: 'change the body after signing',
      expected: '401 digest_mismatch',
      run: async () => {
        const prepared = alpha.prepare('POST', '/v1/referrals', JSON.stringify(alphaReferral()));
        prepared.body = Buffer.from(JSON.stringify(alphaReferral()));
        return answer(await alpha.send(prepared));
      },
    },
    {
      area: 'auth',
      attempt: 'change a signed header (content-type) after signing',
      expected: '401 signature_invalid',
      run: async () => {
        const prepared = alpha.prepare('POST', '/v1/referrals', JSON.stringify(alphaReferral()));
        prepared.headers['content-type'] = 'application/vnd.wissel.referral+json';
        return answer(await alpha.send(prepared));
      },
    },
    {
      area: 'auth',
      attempt: 'send a request signed six minutes ago',
      expected: '401 signature_expired',
      run: async () =>
        answer(
          await client(
            'alpha-1',
            keys.alpha.privateKey,
            () => new Date(Date.now() - 360_000),
          ).submit(alphaReferral()),
        ),
    },
    {
      area: 'auth',
      attempt: 'send a request signed six minutes ahead',
      expected: '401 created_in_future',
      run: async () =>
        answer(
          await client(
            'alpha-1',
            keys.alpha.privateKey,
            () => new Date(Date.now() + 360_000),
          ).submit(alphaReferral()),
        ),
    },
    {
      area: 'auth',
      attempt: 'replay a signed request (same nonce)',
      expected: '401 nonce_replayed',
      run: async () => {
        const prepared = alpha.prepare('POST', '/v1/referrals', JSON.stringify(alphaReferral()));
        const first = await alpha.send(prepared);
        if (first.status !== 202) return `first send: ${answer(first)}`;
        return answer(await alpha.send(prepared));
      },
    },
    {
      area: 'auth',
      attempt: 'sign a body without covering content-digest (independent RFC 9421 library)',
      expected: '401 component_not_covered',
      run: async () => answer(await signedByLibrary(['@method', '@target-uri'])),
    },
    {
      area: 'interop',
      attempt: 'sign a submission with an independent RFC 9421 library (control: accepted)',
      expected: '202',
      run: async () =>
        answer(
          await signedByLibrary(['@method', '@target-uri', 'content-digest', 'content-type']),
        ).replace(/ .*/, ''),
    },
    {
      area: 'auth',
      attempt: 'claim alg hmac-sha256 for an Ed25519 key',
      expected: '401 signature_invalid',
      run: async () =>
        answer(
          await signedByLibrary(
            ['@method', '@target-uri', 'content-digest', 'content-type'],
            'hmac-sha256',
          ),
        ),
    },
    {
      area: 'V9',
      attempt: 'send a signed request in absolute-form (RFC 9110 §7.1)',
      expected: '200',
      run: async () => {
        const prepared = alpha.prepare('GET', '/v1/referrals');
        return String(
          (await nodeRequest(app.baseUrl, 'GET', prepared.url, prepared.headers)).status,
        );
      },
    },
    {
      area: 'V9',
      attempt: 'send it in absolute-form to another authority than was signed',
      expected: '401 signature_invalid',
      run: async () => {
        const prepared = alpha.prepare('GET', '/v1/referrals');
        const moved = prepared.url.replace('127.0.0.1', 'localhost');
        const res = await nodeRequest(app.baseUrl, 'GET', moved, prepared.headers);
        return answerOf(res.status, JSON.parse(res.body));
      },
    },
    {
      area: 'V2',
      attempt: `register each of the ${SMALL_ORDER_POINTS.length} small-order Ed25519 points as a key`,
      expected: `400 key_invalid ×${SMALL_ORDER_POINTS.length}`,
      run: async () => {
        const answers = [];
        for (const [, point] of SMALL_ORDER_POINTS) {
          const res = await call('POST', '/admin/partners/beta/keys', admin, {
            alg: 'ed25519',
            publicJwk: { kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') },
          });
          answers.push(answer(res));
        }
        const distinct = [...new Set(answers)];
        return distinct.length === 1 ? `${distinct[0]} ×${answers.length}` : answers.join(', ');
      },
    },
    {
      area: 'V2',
      attempt:
        'forge a signature without a private key (R = B, S = 1) for the identity key, stored as before the fix',
      expected: '401 signature_invalid',
      run: async () => {
        const identity = SMALL_ORDER_POINTS[0]![1];
        await db.query(
          `INSERT INTO partner_key (key_id, partner_id, alg, public_jwk) VALUES ('beta-identity', 'beta', 'ed25519', $1)`,
          [JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: identity.toString('base64url') })],
        );
        const forger = new PartnerClient({
          baseUrl: app.baseUrl,
          keyId: 'beta-identity',
          // Signs nothing: every request carries the same forged signature.
          key: { alg: 'ed25519', privateKey: keys.stranger.privateKey },
        });
        const prepared = forger.prepare(
          'POST',
          '/v1/referrals',
          JSON.stringify(canonicalReferral({ sourceRef: { system: 'BETA', id: randomUUID() } })),
        );
        prepared.headers.signature = `sig=:${Buffer.concat([BASE_POINT, encodeScalar(1n)]).toString('base64')}:`;
        return answer(await forger.send(prepared));
      },
    },
    {
      area: 'V2',
      attempt: 'send a valid signature made non-canonical (S + L)',
      expected: '401 signature_invalid',
      run: async () => {
        const prepared = alpha.prepare('POST', '/v1/referrals', JSON.stringify(alphaReferral()));
        const signature = Buffer.from(/:(.*):/.exec(prepared.headers.signature!)![1]!, 'base64');
        const s = decodeScalar(signature.subarray(32)) + L;
        const malleable = Buffer.concat([signature.subarray(0, 32), encodeScalar(s)]);
        prepared.headers.signature = `sig=:${malleable.toString('base64')}:`;
        return answer(await alpha.send(prepared));
      },
    },
    {
      area: 'also seen',
      attempt: "register alpha's public key for partner beta as well",
      expected: '409 public_key_taken',
      run: async () =>
        answer(
          await call('POST', '/admin/partners/beta/keys', admin, {
            alg: 'ed25519',
            publicJwk: publicJwk(keys.alpha.publicKey),
          }),
        ),
    },
  ];

  /** A submission signed by http-message-signatures, not by Wissel's own code. */
  async function signedByLibrary(fields: string[], alg = 'ed25519'): Promise<PartnerResponse> {
    const body = Buffer.from(JSON.stringify(alphaReferral()));
    const url = `${app.baseUrl}/v1/referrals`;
    const request = {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'content-digest': `sha-256=:${createHash('sha256').update(body).digest('base64')}:`,
      } as Record<string, string>,
    };
    const signed = await httpbis.signMessage(
      {
        key: {
          id: 'alpha-1',
          alg,
          sign: async (data: Buffer) => edSign(null, data, keys.alpha.privateKey),
        },
        fields,
        params: ['created', 'keyid', 'alg', 'nonce'],
        paramValues: { nonce: randomBytes(16).toString('base64url') },
      },
      request,
    );
    const res = await fetch(url, {
      method: 'POST',
      headers: signed.headers as Record<string, string>,
      body,
    });
    return { status: res.status, headers: {}, body: await res.json() };
  }

  const authorisation: Attack[] = [
    {
      area: 'API1',
      attempt: "read partner alpha's submission as partner beta",
      expected: '404 referral_not_found',
      run: async () => {
        const submitted = await alpha.submit(alphaReferral());
        const id = (submitted.body as { results: Array<{ id: string }> }).results[0]!.id;
        return answer(await beta.status(id));
      },
    },
    {
      area: 'API1',
      attempt: "submit under partner beta's source system as partner alpha",
      expected: '403 source_system_not_allowed',
      run: async () =>
        answer(
          await alpha.submit(
            canonicalReferral({ sourceRef: { system: 'BETA', id: randomUUID() } }),
          ),
        ),
    },
    {
      area: 'V4',
      attempt: "read a recipient's feed as a partner that is not that recipient",
      expected: '404 recipient_unknown',
      run: async () => answer(await alpha.send(alpha.prepare('GET', '/v1/feeds/nl-hotline'))),
    },
    {
      area: 'API5',
      attempt: 'call partner administration with a partner signature',
      expected: '401 operator_unauthenticated',
      run: async () => answer(await alpha.send(alpha.prepare('GET', '/admin/partners'))),
    },
    {
      area: 'API5',
      attempt: 'register a partner with a viewer token',
      expected: '403 operator_forbidden',
      run: async () =>
        answer(
          await call('POST', '/admin/partners', VIEWER, {
            id: 'viewer-made',
            name: 'x',
            sourceSystems: ['VIEWER-MADE'],
          }),
        ),
    },
    {
      area: 'API5',
      attempt: "list a partner's referrals with an operator token instead of a signature",
      expected: '401 signature_missing',
      run: async () => answer(await call('GET', '/v1/referrals', admin)),
    },
    {
      area: 'API5',
      attempt: 'read a feed with a viewer token',
      expected: '403 operator_forbidden',
      run: async () => answer(await call('GET', '/v1/feeds/nl-hotline', VIEWER)),
    },
    {
      area: 'also seen',
      attempt: 'sign as the demo partner of an app started without --demo',
      expected: 'no active demo key',
      run: async () => {
        const { rows } = await db.query(
          `SELECT 1 FROM partner_key WHERE partner_id = 'demo' AND revoked_at IS NULL`,
        );
        return rows.length === 0 ? 'no active demo key' : `${rows.length} active demo key(s)`;
      },
    },
  ];

  const disclosures: Attack[] = [
    ...['test', 'com', 'co.uk', 'github.io'].map((host): Attack => ({
      area: 'V1',
      attempt: `disclose an origin for the public suffix "${host}"`,
      expected: '422 origin_disclosure_invalid',
      run: async () =>
        answer(
          await alpha.send(
            alpha.prepare(
              'POST',
              '/v1/origin-disclosures',
              JSON.stringify({ host, originCountry: 'GB' }),
            ),
          ),
        ),
    })),
    {
      area: 'V1',
      attempt: "move partner alpha's CDN-hosted referral with partner beta's disclosure",
      expected: 'unchanged: behind_cdn',
      run: async () => {
        const id = await decided(
          alphaReferral({
            locators: [{ kind: 'web_page', url: `https://shop.cdn-attack.test/${randomUUID()}` }],
            hints: {},
          }),
        );
        const before = await routeOf(id);
        const disclosed = await beta.send(
          beta.prepare(
            'POST',
            '/v1/origin-disclosures',
            JSON.stringify({ host: 'shop.cdn-attack.test', originIps: [HETZNER_DE] }),
          ),
        );
        if (disclosed.status !== 201) return `disclosure: ${answer(disclosed)}`;
        const after = await routeOf(id);
        return after === before ? `unchanged: ${after.split(' ')[0]}` : `moved: ${after}`;
      },
    },
    {
      area: 'V1',
      attempt:
        'move a referral on a host that is not behind a CDN with its own partner’s disclosure',
      expected: 'unchanged',
      run: async () => {
        const id = await decided(
          alphaReferral({
            locators: [{ kind: 'web_page', url: `https://plain.attack.test/${randomUUID()}` }],
            hints: {},
          }),
        );
        const before = await routeOf(id);
        await alpha.send(
          alpha.prepare(
            'POST',
            '/v1/origin-disclosures',
            JSON.stringify({ host: 'plain.attack.test', originIps: [HETZNER_DE] }),
          ),
        );
        const after = await routeOf(id);
        return after === before ? 'unchanged' : `moved: ${before} to ${after}`;
      },
    },
    {
      area: 'V1',
      attempt: "withdraw partner alpha's disclosure as partner beta",
      expected: '404 disclosure_not_found',
      run: async () => {
        const made = await alpha.send(
          alpha.prepare(
            'POST',
            '/v1/origin-disclosures',
            JSON.stringify({ host: 'shop.cdn-attack.test', originCountry: 'DE' }),
          ),
        );
        const id = (made.body as { id?: string }).id;
        if (!id) return `disclosure: ${answer(made)}`;
        return answer(await beta.send(beta.prepare('DELETE', `/v1/origin-disclosures/${id}`)));
      },
    },
  ];

  const personalData: Attack[] = [
    {
      area: 'V3',
      attempt: "read a referral's decision record with its persons' addresses as a viewer",
      expected: 'no address, no person field',
      run: async () => {
        const id = await decided(
          alphaReferral({
            persons: [
              {
                role: 'uploader',
                ipEvents: [{ ip: HETZNER_DE, event: 'Upload' }],
                accounts: [{ screenName: 'attack_owl', email: 'owl@mail.attack.test' }],
              },
              { role: 'victim', ipEvents: [{ ip: '2a01:4f8::77' }] },
            ],
          }),
        );
        const text = (await call('GET', `/admin/referrals/${id}/decision`, VIEWER)).text;
        const leaked = [HETZNER_DE, '2a01:4f8::77', 'attack_owl', 'owl@mail'].filter((p) =>
          text.includes(p),
        );
        if (/"(persons|ipEvents|accounts)"/.test(text)) leaked.push('a person field');
        return leaked.length === 0 ? 'no address, no person field' : `leaked: ${leaked.join(', ')}`;
      },
    },
    {
      area: 'V4',
      attempt: "read a recipient's feed with an operator token and no reason",
      expected: 'masked, no URL',
      run: async () => {
        const secret = `secret-path-${randomUUID()}`;
        await decided(
          alphaReferral({
            locators: [{ kind: 'web_page', url: `https://nl-only.attack.test/${secret}` }],
            hints: { hostingCountry: 'NL' },
          }),
        );
        const feed = await eventually(async () => {
          const res = await call('GET', '/v1/feeds/nl-hotline?cursor=0&limit=1000', OPERATOR);
          return (res.body.items as unknown[] | undefined)?.length ? res : undefined;
        }, 'the dispatch on the feed');
        if (feed.body.masked !== true) return 'not masked';
        const revealed = await call(
          'GET',
          '/v1/feeds/nl-hotline?cursor=0&limit=1000&reason=NTD%20follow-up%2C%20ticket%204711',
          OPERATOR,
        );
        // The control: the same page with a reason does hold the URL.
        if (!revealed.text.includes(secret)) return 'the URL is not on the feed at all';
        return feed.text.includes(secret) ? 'URL readable' : 'masked, no URL';
      },
    },
    {
      area: 'V4',
      attempt: 'reveal a feed with a one-character reason',
      expected: '400 reveal_reason_required',
      run: async () => answer(await call('GET', '/v1/feeds/nl-hotline?reason=x', OPERATOR)),
    },
    {
      area: 'V4',
      attempt: 'reveal a feed with a reason, and leave no trace',
      expected: 'audited: feed.revealed',
      run: async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_event
            WHERE action = 'feed.revealed' AND actor = 'token:attack-operator'`,
        );
        return rows[0]!.n > 0 ? 'audited: feed.revealed' : 'no audit event';
      },
    },
    {
      area: 'V10',
      attempt: "reveal a referral's URLs with a one-character reason",
      expected: '400 reveal_reason_required',
      run: async () => {
        const id = await decided(alphaReferral());
        return answer(
          await call('POST', `/admin/referrals/${id}/reveal`, OPERATOR, { reason: 'x' }),
        );
      },
    },
    {
      area: 'also seen',
      attempt:
        'find an accepted referral’s personal data in the embedded message log after routing',
      expected: 'gone after processing',
      run: async () => {
        const name = `owl_${randomUUID()}`;
        const referral = alphaReferral({
          persons: [{ role: 'uploader', accounts: [{ screenName: name }] }],
        });
        await decided(referral);
        // PURGE_INTERVAL_MS is 1 s here (an hour by default): consumed messages go at its next run.
        const gone = await eventually(
          async () => ((await storedInLog(name)) === 0 ? true : undefined),
          'the consumed message purged',
          20_000,
        ).catch(() => false);
        return gone ? 'gone after processing' : 'still in message_log';
      },
    },
  ];

  /** Rows of Wissel's own hops holding `text` (the recipients' feeds are the delivery). */
  const storedInLog = async (text: string) => {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM message_log
        WHERE topic NOT LIKE 'referrals.out.%' AND position($1::bytea in value) > 0`,
      [Buffer.from(text)],
    );
    return rows[0]!.n;
  };

  const smuggled: string[] = [];
  const smuggle = (overrides: Record<string, unknown>) => {
    const referral = alphaReferral(overrides);
    smuggled.push(referral.sourceRef.id);
    return referral;
  };
  const mediaBytes: Attack[] = [
    {
      area: 'V5',
      attempt: 'hide base64 JPEG bytes in an unknown property of a canonical referral',
      expected: '422 referral_invalid/media_bytes_forbidden',
      run: async () => answer(await alpha.submit(smuggle({ attachment: JPEG_BASE64 }))),
    },
    {
      area: 'V5',
      attempt: 'add an unknown property (no media) to a canonical referral',
      expected: '422 referral_invalid/unknown_property',
      run: async () => answer(await alpha.submit(smuggle({ extension: { note: 'hello' } }))),
    },
    {
      area: 'V5',
      attempt: 'put a data:image URI in a known text field',
      expected: '422 referral_invalid/media_bytes_forbidden',
      run: async () =>
        answer(
          await alpha.submit(
            smuggle({
              incident: {
                type: 'csam',
                priority: 'normal',
                detectionMethod: `data:image/jpeg;base64,${JPEG_BASE64.slice(0, 400)}`,
              },
            }),
          ),
        ),
    },
    {
      area: 'V5',
      attempt: 'put a 20,000-character string in a field',
      expected: '422 referral_invalid/media_bytes_forbidden',
      run: async () => answer(await alpha.submit(smuggle({ notes: 'a'.repeat(20_000) }))),
    },
    {
      area: 'V5',
      attempt: 'attach an image as X-ARF evidence',
      expected: '422 referral_invalid/media_bytes_forbidden',
      run: async () => {
        const report = JSON.parse(
          readFileSync(join(__dirname, '../fixtures/xarf/csam-4.2.0-note.json'), 'utf8'),
        ) as Record<string, unknown>;
        report.report_id = randomUUID();
        report.evidence = [
          { content_type: 'image/jpeg', description: 'screenshot', payload: JPEG_BASE64 },
        ];
        return answer(await alpha.submit(JSON.stringify(report), CONTENT_TYPES.xarf));
      },
    },
    {
      area: 'V5',
      attempt: 'find any of the refused documents above stored anywhere',
      expected: 'nothing stored',
      run: async () => {
        const n = await storedCount(smuggled);
        return n === 0 ? 'nothing stored' : `${n} stored`;
      },
    },
    {
      area: 'V7',
      attempt: 'send a batch nested 5,000 levels deep',
      expected: '422',
      run: async () => {
        const deep = `[{"schema":"wissel.referral/2","x":${'['.repeat(5000)}${']'.repeat(5000)}}]`;
        return String((await alpha.submit(Buffer.from(deep), 'application/json')).status);
      },
    },
    {
      area: 'API3',
      attempt: 'pollute the prototype with a __proto__ property',
      expected: '422 referral_invalid/unknown_property',
      run: async () => {
        const body = JSON.stringify(alphaReferral()).replace(/^\{/, '{"__proto__":{"admin":true},');
        return answer(await alpha.submit(Buffer.from(body), 'application/json'));
      },
    },
  ];

  const secrets: Attack[] = [
    {
      area: 'V6',
      attempt: 'read a generated HMAC secret from the database',
      expected: 'sealed, not in the clear',
      run: async () => {
        const res = await call('POST', '/admin/partners/beta/keys', admin, {
          keyId: 'beta-hmac',
          alg: 'hmac-sha256',
          generate: true,
        });
        const secret = String(res.body.secret);
        const { rows } = await db.query<{ clear: string | null; sealed: string | null }>(
          `SELECT encode(hmac_secret, 'base64') AS clear, hmac_secret_sealed AS sealed
             FROM partner_key WHERE key_id = 'beta-hmac'`,
        );
        const row = rows[0];
        if (!row) return `not registered: ${res.status}`;
        const raw = Buffer.from(secret, 'base64url').toString('base64');
        return row.clear === null && row.sealed !== null && !row.sealed.includes(raw)
          ? 'sealed, not in the clear'
          : 'in the clear';
      },
    },
    {
      area: 'V8',
      attempt: 'generate a key with the partners CLI into a file that already exists',
      expected: 'no key left active',
      run: async () => {
        const taken = join(app.dataDir, 'taken.jwk');
        writeFileSync(taken, 'someone else’s\n');
        const active = async () =>
          (
            await db.query(
              `SELECT 1 FROM partner_key WHERE partner_id = 'beta' AND revoked_at IS NULL`,
            )
          ).rows.length;
        const before = await active();
        const password = readFileSync(join(app.dataDir, 'db-password'), 'utf8').trim();
        const code = await new Promise<number>((resolve) =>
          execFile(
            process.execPath,
            [
              join(__dirname, '../../dist/scripts/partners.js'),
              'add-key',
              'beta',
              '--generate',
              '--out',
              taken,
            ],
            {
              env: {
                ...process.env,
                DATABASE_URL: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${app.env.EMBEDDED_DB_PORT}/wissel`,
              },
            },
            (error) => resolve(error ? Number(error.code ?? 1) : 0),
          ),
        );
        const after = await active();
        if (code === 0) return 'the CLI claimed success';
        return after === before ? 'no key left active' : `${after - before} key(s) left active`;
      },
    },
  ];

  const http: Attack[] = [
    {
      area: 'API4',
      attempt: `send a body over MAX_BODY_BYTES (${MAX_BODY_BYTES} bytes)`,
      expected: '413 body_too_large',
      run: async () =>
        answer(await alpha.submit(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), 'application/json')),
    },
    {
      area: 'API4',
      attempt: 'send 64 KiB of headers',
      expected: '431',
      run: async () => {
        const { port } = new URL(app.baseUrl);
        const raw = `GET /v1/referrals HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
        const exchange = await rawRequest(Number(port), raw);
        return /^HTTP\/1\.1 (\d{3})/.exec(exchange.response)?.[1] ?? 'no status';
      },
    },
    {
      area: 'API8',
      attempt: 'send a referral as text/plain',
      expected: '415 unsupported_media_type',
      run: async () => answer(await alpha.submit(JSON.stringify(alphaReferral()), 'text/plain')),
    },
    {
      area: 'API8',
      attempt: 'walk out of the feeds path (..%2F) with an operator token',
      expected: '404',
      run: async () =>
        String((await call('GET', '/v1/feeds/..%2F..%2Fadmin%2Fpartners', admin)).status),
    },
    {
      area: 'API8',
      attempt: 'ask for CORS from a foreign origin (preflight)',
      expected: 'no Access-Control-Allow-Origin',
      run: async () => {
        const res = await call('OPTIONS', '/v1/referrals', undefined, undefined, {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
        });
        const allowed = res.headers.get('access-control-allow-origin');
        return allowed === null ? 'no Access-Control-Allow-Origin' : `allowed: ${allowed}`;
      },
    },
    {
      area: 'API8',
      attempt: 'fingerprint the server from its headers, or sniff a problem body as HTML',
      expected: 'no X-Powered-By; nosniff',
      run: async () => {
        const res = await call('GET', '/v1/referrals');
        const powered = res.headers.get('x-powered-by');
        const nosniff = res.headers.get('x-content-type-options') === 'nosniff';
        return `${powered === null ? 'no X-Powered-By' : `X-Powered-By: ${powered}`}; ${nosniff ? 'nosniff' : 'sniffable'}`;
      },
    },
    {
      area: 'API8',
      attempt: 'make the parser fail and look for a stack trace in the answer',
      expected: '422 referral_invalid/invalid_json, no stack',
      run: async () => {
        const res = await alpha.submit(Buffer.from('{"schema": '), 'application/json');
        const text = JSON.stringify(res.body);
        return `${answer(res)}, ${/\bat \S+ \(|\.ts:\d+|node_modules/.test(text) ? 'stack' : 'no stack'}`;
      },
    },
    {
      area: 'API8',
      attempt: "inject SQL through the status id (' OR 1=1--)",
      expected: '404 referral_not_found',
      run: async () => answer(await alpha.status("' OR 1=1--")),
    },
  ];

  const corpus: Attack[] = hostileCorpus(MAX_MESSAGE_BYTES)
    .filter((c) => CONTENT_TYPES[c.format] !== undefined)
    .map((c) => ({
      area: 'hostile input',
      attempt: `submit ${c.name} (${c.format})`,
      expected: `422 referral_invalid/${c.code}`,
      run: async () => answer(await alpha.submit(c.payload, CONTENT_TYPES[c.format])),
    }));

  const table: Array<[string, Attack]> = [
    ...signing,
    ...authorisation,
    ...disclosures,
    ...personalData,
    ...mediaBytes,
    ...secrets,
    ...http,
    ...corpus,
  ].map((a, i) => [`${String(i + 1).padStart(2, '0')} ${a.area}: ${a.attempt}`, a]);

  it.each(table)('%s', async (_name, attack) => {
    let observed: string;
    try {
      observed = await attack.run();
    } catch (error) {
      observed = `threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    results.push({
      area: attack.area,
      attempt: attack.attempt,
      expected: attack.expected,
      observed,
    });
    expect(observed).toBe(attack.expected);
  });
});
