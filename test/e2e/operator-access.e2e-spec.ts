/**
 * Operator access (W11) on the real gateway: OIDC bearer JWTs from a local issuer (a tiny
 * HTTP server on loopback serving discovery and a JWKS, tokens signed with jose), static
 * tokens with roles, 401 for every token that must not verify, 403 for a role too low, URLs
 * masked in the decision record, and revealing them an audited action that `npm run audit
 * -- list` shows under the operator's name.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { type QueryRunner } from 'typeorm';
import { NoAddressesInEvidence1764979200000 } from '../../libs/persistence/src/migrations/1764979200000-no-addresses-in-evidence';
import { main as audit } from '../../scripts/audit';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const AUDIENCE = 'wissel-e2e';
const VIEWER_TOKEN = randomBytes(24).toString('base64url');
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

/** A minimal OpenID provider: discovery and a JWKS, nothing else (tokens are minted here). */
async function startIssuer(keys: JWK[]): Promise<{ server: Server; issuer: string }> {
  const server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body =
      req.url === '/.well-known/openid-configuration'
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : req.url === '/jwks'
          ? { keys }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('operator access: OIDC, roles, audited reveal', () => {
  let stack: TestStack;
  let baseUrl: string;
  let issuer: string;
  let server: Server;
  let rsa: { privateKey: KeyLike };
  let ed: { privateKey: KeyLike };
  let stranger: { privateKey: KeyLike };

  const mint = async (
    claims: Record<string, unknown>,
    options: {
      key?: KeyLike;
      alg?: string;
      kid?: string;
      iss?: string;
      aud?: string;
      exp?: number;
    } = {},
  ) =>
    new SignJWT({ groups: ['wissel-ops'], ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'rsa-1' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? AUDIENCE)
      .setSubject(String(claims.sub ?? 'alice'))
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(options.key ?? rsa.privateKey);

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ed = await generateKeyPair('EdDSA');
    stranger = await generateKeyPair('RS256');
    const keys = [
      {
        ...(await exportJWK((rsa as unknown as { publicKey: KeyLike }).publicKey)),
        kid: 'rsa-1',
        alg: 'RS256',
        use: 'sig',
      },
      {
        ...(await exportJWK((ed as unknown as { publicKey: KeyLike }).publicKey)),
        kid: 'ed-1',
        alg: 'EdDSA',
        use: 'sig',
      },
    ];
    ({ server, issuer } = await startIssuer(keys));
    stack = await TestStack.create('operator_access', { messaging: 'postgres' });
    stack.dns.setZone({ 'reveal.access.test': [{ type: 'A', address: '95.211.184.10' }] });
    ({ baseUrl } = await stack.listen('gateway', {
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_ROLES_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'wissel-view=viewer,wissel-ops=operator,wissel-admin=admin',
      OPERATOR_TOKEN_SHA256: `${sha256(VIEWER_TOKEN)}:viewer:night-desk`,
      AUDIT_SEAL_INTERVAL_MS: '200',
    }));
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lets a valid OIDC token through with the role its groups map to (RS256 and EdDSA)', async () => {
    expect((await call('GET', '/admin/dashboard.json', await mint({}))).status).toBe(200);
    const edToken = await mint(
      { sub: 'bob', groups: ['wissel-view'] },
      { key: ed.privateKey, alg: 'EdDSA', kid: 'ed-1' },
    );
    expect((await call('GET', '/admin/dashboard.json', edToken)).status).toBe(200);
    expect((await call('GET', '/admin/hoster-monitor', VIEWER_TOKEN)).status).toBe(200);
  });

  it('answers 401 for a wrong audience or issuer, an expired, unsigned or foreign-key token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        iss: issuer,
        aud: AUDIENCE,
        sub: 'mallory',
        groups: ['wissel-admin'],
        exp: past + 7200,
      }),
    ).toString('base64url');
    const cases: Record<string, string> = {
      audience: await mint({}, { aud: 'another-app' }),
      issuer: await mint({}, { iss: 'http://127.0.0.1:1' }),
      expired: await mint({}, { exp: past }),
      'alg none': `${header}.${payload}.`,
      'unknown kid': await mint({}, { key: stranger.privateKey, kid: 'rsa-unknown' }),
      'known kid, foreign key': await mint({}, { key: stranger.privateKey }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await call('GET', '/admin/dashboard.json', token);
      expect({ what, status: res.status, code: res.body.code }).toEqual({
        what,
        status: 401,
        code: 'operator_unauthenticated',
      });
    }
  });

  it('answers 403 to a viewer on operator and admin routes, and to a token without a role', async () => {
    const viewerJwt = await mint({ sub: 'vera', groups: ['wissel-view'] });
    const noRole = await mint({ sub: 'nobody', groups: ['elsewhere'] });
    for (const [method, path, token] of [
      ['POST', '/admin/holds', viewerJwt],
      ['POST', `/admin/referrals/${randomUUID()}/reveal`, VIEWER_TOKEN],
      ['POST', `/admin/dispatches/${randomUUID()}/replay`, VIEWER_TOKEN],
      ['POST', '/admin/partners', await mint({})],
      ['GET', '/admin/dashboard.json', noRole],
    ] as const) {
      const res = await call(method, path, token, method === 'POST' ? {} : undefined);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 403,
        code: 'operator_forbidden',
      });
    }
  });

  it('shows a viewer no person field and no person’s address in the decision record', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'ACCESS-TEST', id: `P-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: 'https://persons.access.test/x' }],
      persons: [
        {
          role: 'uploader',
          ipEvents: [{ ip: '88.198.10.10', event: 'Upload' }],
          accounts: [{ screenName: 'nightowl_e2e', email: 'owl@mail.access.test' }],
        },
        { role: 'victim', ipEvents: [{ ip: '2a01:4f8::77' }] },
      ],
      hints: {},
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const id = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id WHERE r.source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0]?.id;
    }, 'the referral decided');

    const record = await call('GET', `/admin/referrals/${id}/decision`, VIEWER_TOKEN);
    expect(record.status).toBe(200);
    const text = JSON.stringify(record.body);
    for (const personal of ['88.198.10.10', '2a01:4f8::77', 'nightowl_e2e', 'owl@mail']) {
      expect(text).not.toContain(personal);
    }
    expect(text).not.toMatch(/"(persons|ipEvents|accounts)"/);
    // What was derived stays: the uploader's country, from the located address.
    const decision = (record.body.decisions as Array<{ evidence: Record<string, unknown> }>)[0]!;
    expect(decision.evidence.investigation).toContainEqual({
      role: 'uploader',
      country: 'DE',
      basis: 'ip_event',
    });

    // A decision recorded before the rule kept the located addresses: the migration strips them.
    await stack.db.query(
      `UPDATE decision SET evidence = jsonb_set(evidence, '{facts,ipEvents}', $2::jsonb)
        WHERE referral_id = $1`,
      [id, JSON.stringify([{ ip: '88.198.10.10', family: 4, range: 'unicast', geoCountry: 'DE' }])],
    );
    const runner = { query: (sql: string) => stack.db.query(sql) } as unknown as QueryRunner;
    await new NoAddressesInEvidence1764979200000().up(runner);
    const after = await call('GET', `/admin/referrals/${id}/decision`, VIEWER_TOKEN);
    expect(JSON.stringify(after.body)).not.toContain('88.198.10.10');
  });

  it('masks URLs in the decision record; revealing them takes a reason and is audited', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'ACCESS-TEST', id: `A-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: 'https://reveal.access.test/secret/path.jpg?x=1' }],
      hints: {},
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const id = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id WHERE r.source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0]?.id;
    }, 'the referral decided');

    const record = await call('GET', `/admin/referrals/${id}/decision`, VIEWER_TOKEN);
    expect(record.status).toBe(200);
    const canonical = (record.body.referral as { canonical: { locators: Array<{ url: string }> } })
      .canonical;
    expect(canonical.locators[0]!.url).toBe('https://reveal.access.test/[masked]');
    expect(JSON.stringify(record.body)).not.toContain('secret/path');

    const operatorJwt = await mint({ sub: 'alice' });
    expect((await call('POST', `/admin/referrals/${id}/reveal`, operatorJwt, {})).status).toBe(400);
    // A one-character reason says nothing a reviewer could check.
    for (const reason of ['x', 'ok.......']) {
      const answer = await call('POST', `/admin/referrals/${id}/reveal`, operatorJwt, { reason });
      expect(answer).toMatchObject({ status: 400, body: { code: 'reveal_reason_required' } });
    }
    expect(
      (
        await call('POST', `/admin/referrals/${id}/reveal`, operatorJwt, {
          reason: 'see https://x.test',
        })
      ).status,
    ).toBe(400);
    const revealed = await call('POST', `/admin/referrals/${id}/reveal`, operatorJwt, {
      reason: 'NTD follow-up, ticket 4711',
    });
    expect(revealed).toEqual({
      status: 200,
      body: {
        referralId: id,
        locators: [
          {
            index: 0,
            kind: 'web_page',
            url: 'https://reveal.access.test/secret/path.jpg?x=1',
            parentUrl: null,
          },
        ],
      },
    });

    // The gateway's sealer chains the events; the CLI lists them under the operator's name.
    const listed = await eventually(async () => {
      const out: string[] = [];
      await audit(['list', '--subject', id], {
        out: (l) => out.push(l),
        err: () => undefined,
        env: { DATABASE_URL: stack.env.DATABASE_URL },
      });
      const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
      return events.some((e) => e.action === 'referral.urls_revealed' && e.seq !== null)
        ? events
        : undefined;
    }, 'the reveal sealed into the audit chain');
    // Refused attempts are operator actions too, with their outcome.
    const outcome = (e: Record<string, unknown>) =>
      e.action === 'operator.action' ? (e.details as { outcome: unknown }).outcome : '';
    expect(listed.map((e) => [e.action, e.actor, outcome(e)])).toEqual([
      ['referral.stored', 'system', ''],
      ['referral.decided', 'system', ''],
      ...Array(4).fill(['operator.action', 'oidc:alice', 400]),
      ['referral.urls_revealed', 'oidc:alice', ''],
      ['operator.action', 'oidc:alice', 'ok'],
    ]);
    expect(listed[6]!.details).toEqual({ reason: 'NTD follow-up, ticket 4711', locators: 1 });
    expect(listed[7]!.details).toMatchObject({
      method: 'POST',
      route: '/admin/referrals/:id/reveal',
      params: { id },
    });
    expect(JSON.stringify(listed)).not.toContain('reveal.access.test');

    const out: string[] = [];
    const code = await audit(['verify'], {
      out: (l) => out.push(l),
      err: () => undefined,
      env: { DATABASE_URL: stack.env.DATABASE_URL },
    });
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^chain intact: \d+ entries$/);
  });
});
