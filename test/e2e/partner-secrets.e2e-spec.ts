/**
 * Partners' HMAC secrets at rest, on the real PostgreSQL: a secret added through the
 * operator API is stored sealed (never in the clear) and signed HMAC requests still
 * verify; a secret stored in the clear before sealing is sealed by `npm run keys --
 * seal-existing` and by a gateway's start; `npm run keys -- rewrap` moves them to a new
 * KEK; and no secret reaches the audit log or the console.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PartnerClient } from '@wissel/partner-client';
import { main as keys } from '../../scripts/keys';
import { TestStack } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

function io(env: Record<string, string>) {
  const out: string[] = [];
  return { out, io: { out: (l: string) => out.push(l), err: () => undefined, env } };
}

/** Every encoding a secret could leak in. */
const encodings = (secret: Buffer) =>
  (['base64', 'base64url', 'hex'] as const).map((e) => secret.toString(e));

describe("partners' HMAC secrets at rest", () => {
  let stack: TestStack;
  let baseUrl: string;
  const secrets = new Map<string, Buffer>();
  const printed: string[] = [];
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    return jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      printed.push(String(chunk));
      return original(chunk as string, ...rest);
    }) as typeof stream.write);
  });

  const hmacStatus = async (url: string, keyId: string) =>
    (
      await new PartnerClient({
        baseUrl: url,
        keyId,
        key: { alg: 'hmac-sha256', secret: secrets.get(keyId)! },
      }).list()
    ).status;

  async function row(keyId: string) {
    const { rows } = await stack.db.query(
      `SELECT hmac_secret, hmac_secret_sealed FROM partner_key WHERE key_id = $1`,
      [keyId],
    );
    return rows[0] as { hmac_secret: Buffer | null; hmac_secret_sealed: string | null };
  }

  /** A key as stored before sealing: the secret in the clear. */
  async function legacyKey(keyId: string) {
    secrets.set(keyId, randomBytes(32));
    await stack.db.query(
      `INSERT INTO partner_key (key_id, partner_id, alg, hmac_secret)
       VALUES ($1, 'iwf', 'hmac-sha256', $2)`,
      [keyId, secrets.get(keyId)],
    );
  }

  beforeAll(async () => {
    stack = await TestStack.create('partner_secrets');
    ({ baseUrl } = await stack.listen('gateway', {
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    const registered = await fetch(`${baseUrl}/admin/partners`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'iwf', name: 'IWF', sourceSystems: ['IWF'] }),
    });
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    for (const write of writes) write.mockRestore();
    await stack.close();
  });

  it('stores an added secret sealed, and a signed HMAC request verifies', async () => {
    secrets.set('iwf-hmac', randomBytes(32));
    const added = await fetch(`${baseUrl}/admin/partners/iwf/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        keyId: 'iwf-hmac',
        alg: 'hmac-sha256',
        secret: secrets.get('iwf-hmac')!.toString('base64url'),
      }),
    });
    expect(added.status).toBe(201);
    const stored = await row('iwf-hmac');
    expect(stored.hmac_secret).toBeNull();
    expect(stored.hmac_secret_sealed).toMatch(/^wse1\.e2e-1\./);
    for (const text of encodings(secrets.get('iwf-hmac')!)) {
      expect(stored.hmac_secret_sealed).not.toContain(text);
    }
    expect(await hmacStatus(baseUrl, 'iwf-hmac')).toBe(200);
    // A generated secret is sealed too.
    const generated = await fetch(`${baseUrl}/admin/partners/iwf/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ keyId: 'iwf-gen', alg: 'hmac-sha256', generate: true }),
    });
    const { secret } = (await generated.json()) as { secret: string };
    secrets.set('iwf-gen', Buffer.from(secret, 'base64url'));
    expect((await row('iwf-gen')).hmac_secret).toBeNull();
    expect(await hmacStatus(baseUrl, 'iwf-gen')).toBe(200);
  });

  it('seals a secret stored in the clear: npm run keys -- seal-existing', async () => {
    await legacyKey('iwf-legacy');
    // Until it is sealed it still verifies.
    expect(await hmacStatus(baseUrl, 'iwf-legacy')).toBe(200);
    const status = io(stack.env);
    expect(await keys(['status'], status.io)).toBe(0);
    expect(JSON.parse(status.out[0]!).plaintextLeft).toBe(1);

    const run = io(stack.env);
    expect(await keys(['seal-existing'], run.io)).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({
      sealed: { hmacSecrets: 1 },
      plaintextLeft: 0,
    });
    const stored = await row('iwf-legacy');
    expect(stored.hmac_secret).toBeNull();
    expect(stored.hmac_secret_sealed).toMatch(/^wse1\.e2e-1\./);
    expect(await hmacStatus(baseUrl, 'iwf-legacy')).toBe(200);
  });

  it('a gateway seals secrets still in the clear when it starts', async () => {
    await legacyKey('iwf-legacy-2');
    const started = await stack.listen('gateway');
    const stored = await row('iwf-legacy-2');
    expect(stored.hmac_secret).toBeNull();
    expect(stored.hmac_secret_sealed).toMatch(/^wse1\.e2e-1\./);
    expect(await hmacStatus(started.baseUrl, 'iwf-legacy-2')).toBe(200);
    await started.app.close();
  });

  it('npm run keys -- rewrap moves the secrets to the new KEK; they verify without the old', async () => {
    const newKey = `e2e-2:${randomBytes(32).toString('base64')}`;
    const rotated = { ...stack.env, WISSEL_KEKS: `${newKey},${stack.env.WISSEL_KEKS}` };
    const run = io(rotated);
    expect(await keys(['rewrap'], run.io)).toBe(0);
    const report = JSON.parse(run.out[0]!);
    expect(report.hmacSecrets).toBe(4);
    expect(report.usage).toEqual([{ column: 'hmac_secret_sealed', keyId: 'e2e-2', values: 4 }]);

    const onlyNew = await stack.listen('gateway', { WISSEL_KEKS: newKey });
    for (const keyId of secrets.keys()) {
      expect(await hmacStatus(onlyNew.baseUrl, keyId)).toBe(200);
    }
    await onlyNew.app.close();
  });

  it('wrote no secret to the audit log or the console', async () => {
    const { rows } = await stack.db.query(`SELECT details FROM audit_event`);
    expect(rows.length).toBeGreaterThan(0);
    const audit = JSON.stringify(rows);
    const logged = printed.join('');
    for (const secret of secrets.values()) {
      for (const text of encodings(secret)) {
        expect(audit).not.toContain(text);
        expect(logged).not.toContain(text);
      }
    }
  });
});
