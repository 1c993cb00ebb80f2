/**
 * The chain of custody on the real stack (W11): a referral submitted over the signed partner
 * API is routed, dispatched (signed) and acknowledged; its export from the gateway verifies
 * with the standalone verifier run as a third party would (`node tools/custody-verify.mjs`),
 * and fails, naming the check, when one byte is changed or another key is trusted. A referral
 * produced straight to Kafka exports with its record evidence instead.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartnerClient } from '@wissel/partner-client';
import { generateEd25519KeyPair, publicJwk } from '@wissel/signing';
import { main as custodyCli } from '../../scripts/custody';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const VERIFIER = join(__dirname, '../../tools/custody-verify.mjs');
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const VIEWER_TOKEN = randomBytes(24).toString('base64url');
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

interface CustodyExport {
  format: string;
  referral: { id: string; rawPayload: string; rawPayloadSha256: string };
  inbound: {
    channel: string;
    record: {
      topic: string;
      partition: number;
      offset: string;
      sha256: string;
      headers: Record<string, string>;
    };
    submission: { partnerId: string; evidenceId: string } | null;
    partnerRequest: {
      evidenceId: string;
      partnerId: string;
      keyId: string;
      alg: string;
      signatureBase: string;
      body: { is: string };
    } | null;
  };
  decisions: { inForce: string[]; history: Array<{ id: string; recipients: string[] }> };
  dispatches: Array<{
    dispatchId: string;
    recipientId: string;
    publishedAt: string | null;
    payloadSha256: string;
    signature: { kid: string } | null;
    lifecycle: { status: string } | null;
    acks: Array<{ kind: string; outcome: string }>;
  }>;
  audit: Array<{ action: string; subject: string }> | null;
  signature: { kid: string; jwkThumbprint: string };
}

describe('chain of custody: evidence kept, signed export, independent verification', () => {
  let stack: TestStack;
  let baseUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'custody-e2e-'));
  const keys = { SIGNING_DEV_KEY_DIR: join(dir, 'keys') };
  const partnerKey = generateKeyPairSync('ed25519');
  let client: PartnerClient;

  const operator = (path: string, token = ADMIN_TOKEN, init: RequestInit = {}) =>
    fetch(baseUrl + path, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });

  /**
   * Runs the standalone verifier in its own node process, as a police officer would. Async:
   * the gateway it may fetch the JWKS from runs in this process and must keep answering.
   */
  const verify = (file: string, jwks: string) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [VERIFIER, file, '--jwks', jwks], (error, out, err) =>
        resolve({ code: error ? ((error.code as number | undefined) ?? null) : 0, out, err }),
      );
    });

  const exported = async (referralId: string): Promise<{ text: string; doc: CustodyExport }> => {
    const res = await operator(`/admin/referrals/${referralId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`wissel-custody-${referralId}.json`);
    const text = await res.text();
    return { text, doc: JSON.parse(text) as CustodyExport };
  };

  const storedId = (sourceId: string) =>
    eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT id FROM referral WHERE source_id = $1`,
        [sourceId],
      );
      return rows[0]?.id;
    }, 'the referral stored');

  let jwksFile: string;

  beforeAll(async () => {
    stack = await TestStack.create('custody');
    // LeaseWeb Netherlands B.V.: hosted at home, so the national hotline takes it.
    stack.dns.setZone({ 'nl.custody.test': [{ type: 'A', address: '95.211.184.10' }] });
    const digest = (token: string) => createHash('sha256').update(token).digest('hex');
    ({ baseUrl } = await stack.listen('gateway', {
      ...keys,
      OPERATOR_TOKEN_SHA256: `${digest(ADMIN_TOKEN)}:admin:e2e-admin,${digest(VIEWER_TOKEN)}:viewer:e2e-viewer`,
    }));
    await stack.start('router');
    await stack.start('dispatcher', keys);

    expect(
      (
        await operator('/admin/partners', ADMIN_TOKEN, {
          method: 'POST',
          body: JSON.stringify({ id: 'custody', name: 'Custody', sourceSystems: ['CUSTODY-TEST'] }),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await operator('/admin/partners/custody/keys', ADMIN_TOKEN, {
          method: 'POST',
          body: JSON.stringify({
            keyId: 'custody-1',
            alg: 'ed25519',
            publicJwk: publicJwk(partnerKey.publicKey),
          }),
        })
      ).status,
    ).toBe(201);
    client = new PartnerClient({
      baseUrl,
      keyId: 'custody-1',
      key: { alg: 'ed25519', privateKey: partnerKey.privateKey },
    });
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, await (await fetch(`${baseUrl}/.well-known/jwks.json`)).text());
  });

  afterAll(async () => {
    await stack.close();
  });

  let apiReferral: { id: string; file: string; doc: CustodyExport };

  it('exports an API referral with the partner evidence, decisions, signed dispatch and ack', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'CUSTODY-TEST', id: `C-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: 'https://nl.custody.test/a.jpg' }],
      hints: {},
    });
    const submitted = await client.submit(referral);
    expect(submitted.status).toBe(202);
    const referralId = await storedId(referral.sourceRef.id);

    const dispatch = await eventually(async () => {
      const { rows } = await stack.db.query<{ dispatch_id: string; signature: string | null }>(
        `SELECT dispatch_id, signature FROM outbox
          WHERE referral_id = $1 AND recipient_id = 'nl-hotline' AND published_at IS NOT NULL`,
        [referralId],
      );
      return rows[0];
    }, 'the dispatch published');
    expect(dispatch.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    await stack.produce(stack.topics.statusIn, [
      JSON.stringify({
        dispatchId: dispatch.dispatch_id,
        recipient: 'nl-hotline',
        kind: 'received',
        at: new Date().toISOString(),
      }),
    ]);
    await eventually(
      async () =>
        (await stack.count(`dispatch_ack WHERE dispatch_id = $1`, [dispatch.dispatch_id])) === 1,
      'the ack recorded',
    );

    const { text, doc } = await exported(referralId);
    expect(doc.format).toBe('wissel-custody/1');
    expect(doc.referral.rawPayload).toBe(JSON.stringify(referral));
    expect(doc.referral.rawPayloadSha256).toBe(sha256(JSON.stringify(referral)));
    expect(doc.inbound).toMatchObject({
      channel: 'api',
      record: { topic: stack.topics.canonicalIn, sha256: doc.referral.rawPayloadSha256 },
      submission: { partnerId: 'custody' },
      partnerRequest: {
        partnerId: 'custody',
        keyId: 'custody-1',
        alg: 'ed25519',
        body: { is: 'referral.rawPayload' },
      },
    });
    expect(doc.inbound.partnerRequest!.signatureBase).toMatch(
      /^"@method": POST\n"@target-uri": http:\/\/127\.0\.0\.1:\d+\/v1\/referrals\n/,
    );
    expect(doc.inbound.record.headers['wissel-evidence-id']).toBe(
      doc.inbound.partnerRequest!.evidenceId,
    );
    expect(doc.decisions.history.map((d) => d.id)).toEqual(doc.decisions.inForce);
    expect(doc.dispatches).toEqual([
      expect.objectContaining({
        dispatchId: dispatch.dispatch_id,
        recipientId: 'nl-hotline',
        publishedAt: expect.any(String),
        signature: expect.objectContaining({ kid: doc.signature.kid }),
        lifecycle: expect.objectContaining({ status: 'received' }),
        acks: [expect.objectContaining({ kind: 'received', outcome: 'applied' })],
      }),
    ]);

    const file = join(dir, 'api-export.json');
    writeFileSync(file, text);
    const result = await verify(file, jwksFile);
    expect(result.err).toBe('');
    expect(result.out).toMatch(/OK +wissel-signature: signed by Wissel key/);
    expect(result.out).toMatch(/OK +partner-signature: partner "custody" signed this request/);
    expect(result.out).toMatch(/OK +partner-content-digest/);
    expect(result.out).toMatch(/OK +dispatch .* signature: sent to/);
    expect(result.out).toMatch(/RESULT: VERIFIED\n$/);
    expect(result.code).toBe(0);
    // The trusted key straight from the gateway's JWKS URL works the same.
    expect((await verify(file, `${baseUrl}/.well-known/jwks.json`)).code).toBe(0);
    apiReferral = { id: referralId, file, doc };
  });

  it('fails verification, naming what failed, when one byte is changed or another key is trusted', async () => {
    const text = readFileSync(apiReferral.file, 'utf8');
    // One character inside the raw payload (a JSON string in the export).
    const at = text.indexOf('nl.custody.test');
    const tampered = `${text.slice(0, at)}m${text.slice(at + 1)}`;
    const tamperedFile = join(dir, 'tampered.json');
    writeFileSync(tamperedFile, tampered);
    const broken = await verify(tamperedFile, jwksFile);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/FAILED +wissel-signature: the signature does not verify/);
    expect(broken.out).toMatch(/RESULT: FAILED \(.*wissel-signature/);

    const impostor = generateEd25519KeyPair(apiReferral.doc.signature.kid);
    const otherJwks = join(dir, 'other-jwks.json');
    writeFileSync(otherJwks, JSON.stringify({ keys: [impostor.publicJwk] }));
    const swapped = await verify(apiReferral.file, otherJwks);
    expect(swapped.code).toBe(1);
    expect(swapped.out).toMatch(/FAILED +wissel-signature/);
    expect(swapped.out).toMatch(/FAILED +dispatch .* signature/);
  });

  it('records the export in the audit log, refuses a viewer and answers 404 for no referral', async () => {
    await eventually(
      async () =>
        (await stack.count(
          `audit_event WHERE action = 'referral.custody_exported' AND subject = $1`,
          [apiReferral.id],
        )) >= 1,
      'the export audited',
    );
    expect((await operator(`/admin/referrals/${apiReferral.id}/export`, VIEWER_TOKEN)).status).toBe(
      403,
    );
    expect((await operator(`/admin/referrals/${randomUUID()}/export`)).status).toBe(404);
  });

  it('keeps a signed batch (sealed) and proves the referral was in it', async () => {
    const batch = [0, 1].map(() =>
      canonicalReferral({
        sourceRef: { system: 'CUSTODY-TEST', id: `B-${randomUUID()}` },
        via: [],
        locators: [{ kind: 'web_page', url: 'https://nl.custody.test/c.jpg' }],
        hints: {},
      }),
    );
    expect((await client.submit(batch)).status).toBe(202);
    const referralId = await storedId(batch[1]!.sourceRef.id);
    const { rows } = await stack.db.query<{ sealed_body: string }>(
      `SELECT e.sealed_body FROM inbound_evidence e
         JOIN partner_submission s ON s.evidence_id = e.id WHERE s.source_id = $1`,
      [batch[1]!.sourceRef.id],
    );
    // Sealed at rest: no reported URL in the clear.
    expect(rows[0]!.sealed_body).not.toContain('custody.test');
    const { text, doc } = await exported(referralId);
    expect(doc.inbound.partnerRequest!.body).toMatchObject({ is: 'batch' });
    const file = join(dir, 'batch-export.json');
    writeFileSync(file, text);
    const result = await verify(file, jwksFile);
    expect(result.out).toMatch(/OK +partner-batch-contains-referral/);
    expect(result.out).toMatch(/OK +partner-signature: /);
    expect(result.code).toBe(0);
  });

  it('exports a Kafka-inbound referral with its record evidence', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'KAFKA-CUSTODY', id: `K-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url: 'https://nl.custody.test/b.jpg' }],
      hints: {},
    });
    const bytes = asMessage(referral);
    const [offset] = await stack.produce(stack.topics.canonicalIn, [bytes]);
    const referralId = await storedId(referral.sourceRef.id);
    const { text, doc } = await exported(referralId);
    expect(doc.inbound).toMatchObject({
      channel: 'kafka',
      record: { topic: stack.topics.canonicalIn, partition: 0, offset, sha256: sha256(bytes) },
      submission: null,
      partnerRequest: null,
    });
    const file = join(dir, 'kafka-export.json');
    writeFileSync(file, text);
    const result = await verify(file, jwksFile);
    expect(result.out).toMatch(/OK +inbound-record-digest: the bytes received on /);
    expect(result.out).toMatch(/SKIPPED +partner-signature: received over Kafka/);
    expect(result.code).toBe(0);
  });

  it('exports and verifies with npm run custody as well', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => undefined };
    const file = join(dir, 'cli-export.json');
    const env = { ...stack.env, ...keys };
    expect(await custodyCli(['export', apiReferral.id, '--out', file], { ...io, env })).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as CustodyExport;
    expect(doc.referral.id).toBe(apiReferral.id);
    expect(doc.signature.jwkThumbprint).toBe(apiReferral.doc.signature.jwkThumbprint);
    expect(await custodyCli(['verify', file, '--jwks', jwksFile], { ...io, env })).toBe(0);
    expect(out.join('\n')).toMatch(/RESULT: VERIFIED/);
    expect(await custodyCli(['verify', file], { ...io, env })).toBe(2);
  });
});
