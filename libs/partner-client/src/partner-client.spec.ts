import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { contentDigest, VerificationKey } from '@wissel/signing';
import { generatePartnerKey } from './generate-partner-key';
import { PartnerClient, PartnerClientOptions, PreparedRequest } from './partner-client';
import { AcceptedRequest, startVerifyingServer, VerifyingServer } from './verifying-server';

const ed = generatePartnerKey('partner-ed-1');
const secret = randomBytes(32);
const keys: Record<string, VerificationKey[]> = {
  'partner-ed-1': [{ alg: 'ed25519', publicKey: ed.publicJwk }],
  'partner-hmac-1': [{ alg: 'hmac-sha256', secret }],
};
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

let server: VerifyingServer;
beforeAll(async () => {
  server = await startVerifyingServer({ keys });
});
afterAll(() => server.close());

function client(overrides: Partial<PartnerClientOptions> = {}): PartnerClient {
  return new PartnerClient({
    baseUrl: server.baseUrl,
    keyId: 'partner-ed-1',
    key: { alg: 'ed25519', privateKey: ed.privateJwk },
    ...overrides,
  });
}
const hmacClient = () => client({ keyId: 'partner-hmac-1', key: { alg: 'hmac-sha256', secret } });

describe('PartnerClient against a verifying server', () => {
  it('submits an object as JSON, signed with Ed25519 over the four required components', async () => {
    const referral = { schema: 'wissel.referral/1', sourceRef: { system: 'IWF', id: 'x-1' } };
    const response = await client().submit(referral);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toMatchObject<Partial<AcceptedRequest>>({
      method: 'POST',
      target: '/v1/referrals',
      keyId: 'partner-ed-1',
      alg: 'ed25519',
      components: ['@method', '@target-uri', 'content-digest', 'content-type'],
      contentType: 'application/json',
      bodySha256: sha256(JSON.stringify(referral)),
    });
  });

  it('submits a file as its exact bytes with HMAC-SHA256 and the given content type', async () => {
    const xml = Buffer.from('<?xml version="1.0"?>\n<report>\u00e9</report>\n', 'utf8');
    const response = await hmacClient().submit(xml, 'application/xml');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      alg: 'hmac-sha256',
      keyId: 'partner-hmac-1',
      contentType: 'application/xml',
      bodySha256: sha256(xml),
    });
  });

  it('reads a status with the id escaped into the path, signing only method and URI', async () => {
    const response = await hmacClient().status('a/b c');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      method: 'GET',
      target: '/v1/referrals/a%2Fb%20c',
      components: ['@method', '@target-uri'],
    });
  });

  it('lists with since, cursor and limit in the signed query, and without any', async () => {
    const all = await client().list();
    expect(all.body).toMatchObject({ method: 'GET', target: '/v1/referrals' });
    const some = await client().list({ since: '2026-01-01T00:00:00Z', cursor: 'c/1', limit: 50 });
    expect(some.status).toBe(200);
    expect(some.body).toMatchObject({
      target: '/v1/referrals?since=2026-01-01T00%3A00%3A00Z&cursor=c%2F1&limit=50',
    });
  });

  it('keeps a path prefix of the base URL', () => {
    const prepared = client({ baseUrl: 'https://wissel.example/api/' }).prepare('GET', '/v1/x');
    expect(prepared.url).toBe('https://wissel.example/api/v1/x');
  });
});

describe('a tampered prepared request is refused with the right code', () => {
  const body = '{"schema":"wissel.referral/1"}';
  const fresh = () => client().prepare('POST', '/v1/referrals', body, 'application/json');
  const refusal = async (prepared: PreparedRequest) => {
    const response = await client().send(prepared);
    return { status: response.status, code: (response.body as { code?: string }).code };
  };

  it('untampered, it is accepted (so each refusal below is the tampering)', async () => {
    expect((await client().send(fresh())).status).toBe(200);
  });

  it.each<[string, (p: PreparedRequest) => PreparedRequest, string]>([
    [
      'a changed body',
      (p) => ({ ...p, body: Buffer.from(body.replace('1', '2')) }),
      'digest_mismatch',
    ],
    [
      'a changed body with a matching new digest',
      (p) => {
        const changed = Buffer.from(body.replace('1', '2'));
        return {
          ...p,
          body: changed,
          headers: { ...p.headers, 'content-digest': contentDigest(changed) },
        };
      },
      'signature_invalid',
    ],
    [
      'a changed content-type',
      (p) => ({ ...p, headers: { ...p.headers, 'content-type': 'text/plain' } }),
      'signature_invalid',
    ],
    ['another target URI', (p) => ({ ...p, url: `${p.url}/x` }), 'signature_invalid'],
    [
      'a changed created parameter',
      (p) => ({
        ...p,
        headers: {
          ...p.headers,
          'signature-input': p.headers['signature-input']!.replace(
            /created=(\d+)/,
            (_, n) => `created=${Number(n) - 1}`,
          ),
        },
      }),
      'signature_invalid',
    ],
    [
      'no Signature header',
      (p) => {
        const { signature: _signature, ...headers } = p.headers;
        return { ...p, headers };
      },
      'signature_missing',
    ],
  ])('%s → %s', async (_name, tamper, code) => {
    await expect(refusal(tamper(fresh()))).resolves.toEqual({ status: 401, code });
  });

  it('a key id the server does not know and the wrong key get the same answer: signature_invalid', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const unknown = await client({ keyId: 'nobody' }).submit({});
    expect(unknown.body).toMatchObject({ status: 401, code: 'signature_invalid' });
    const wrong = await client({ key: { alg: 'ed25519', privateKey: stranger } }).submit({});
    expect(wrong.body).toEqual(unknown.body);
  });
});

describe('signature parameters', () => {
  it('two prepares carry different 128-bit base64url nonces', () => {
    const nonces = [1, 2].map(() => {
      const input = client().prepare('GET', '/v1/referrals').headers['signature-input'];
      return /;nonce="([^"]+)"/.exec(input!)?.[1];
    });
    expect(nonces[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nonces[1]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('created follows the now option', async () => {
    const then = new Date('2031-05-04T03:02:01.999Z');
    const seconds = Math.floor(then.getTime() / 1000);
    const prepared = client({ now: () => then }).prepare('POST', '/v1/referrals', '{}');
    expect(prepared.headers['signature-input']).toContain(`;created=${seconds};`);

    const sameClock = await startVerifyingServer({ keys, now: () => then });
    try {
      const response = await client({ baseUrl: sameClock.baseUrl, now: () => then }).submit({});
      expect(response.body).toMatchObject({ created: seconds });
    } finally {
      await sameClock.close();
    }
    // The same clock against a server on real time is years ahead.
    const ahead = await client({ now: () => then }).submit({});
    expect(ahead.body).toMatchObject({ code: 'created_in_future' });
  });
});

describe('constructing a client', () => {
  it('refuses a public JWK, a non-Ed25519 key and a short HMAC secret', () => {
    const { d: _d, ...publicOnly } = ed.privateJwk;
    expect(() => client({ key: { alg: 'ed25519', privateKey: publicOnly } })).toThrow(/public key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => client({ key: { alg: 'ed25519', privateKey: ec } })).toThrow(/Ed25519/);
    expect(() => client({ key: { alg: 'hmac-sha256', secret: randomBytes(16) } })).toThrow(
      /at least 32 bytes/,
    );
  });
});
