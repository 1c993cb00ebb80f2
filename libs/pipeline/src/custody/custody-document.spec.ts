import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  canonicalJson,
  contentDigest,
  generateEd25519KeyPair,
  jwkThumbprint,
  signJson,
  signRequest,
  verifyRequest,
  type SigningKey,
} from '@wissel/signing';
import {
  assembleCustodyDocument,
  CUSTODY_FORMAT,
  sha256Hex,
  signCustodyDocument,
  type CustodyDocument,
  type OpenedCustodyRecord,
} from './custody-document';

const VERIFIER = join(__dirname, '../../../../tools/custody-verify.mjs');
const dir = mkdtempSync(join(tmpdir(), 'custody-'));
const wissel = generateEd25519KeyPair('wissel-test-1');
const partnerKey = generateEd25519KeyPair('iwf-1');
const JWKS = join(dir, 'jwks.json');
writeFileSync(JWKS, JSON.stringify({ keys: [wissel.publicJwk] }));

interface Check {
  check: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

/** Runs the standalone verifier as a third party would: `node custody-verify.mjs`. */
function runVerifier(document: unknown, jwks = JWKS): { code: number; checks: Check[] } {
  const file = join(dir, `${randomUUID()}.json`);
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  const run = spawnSync(process.execPath, [VERIFIER, file, '--jwks', jwks, '--json'], {
    encoding: 'utf8',
  });
  return { code: run.status ?? -1, checks: (JSON.parse(run.stdout) as { checks: Check[] }).checks };
}

const statusOf = (checks: Check[], name: string) => checks.find((c) => c.check === name)?.status;

/** A partner request signed for real, verified as the gateway does, and its evidence row. */
async function signedSubmission(
  body: Buffer,
  key: SigningKey = {
    alg: 'ed25519',
    privateKey: partnerKey.privateJwk,
  },
) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-digest': contentDigest(body),
  };
  const message = { method: 'POST', url: 'https://wissel.example/v1/referrals', headers };
  Object.assign(headers, signRequest(message, { ...key, keyId: 'iwf-1' }));
  const verified = await verifyRequest(message, {
    lookupKey: () => [
      key.alg === 'ed25519'
        ? { alg: 'ed25519', publicKey: partnerKey.publicJwk }
        : { alg: 'hmac-sha256', secret: key.secret },
    ],
  });
  return {
    id: randomUUID(),
    partnerId: 'iwf',
    verifiedAt: new Date('2026-12-02T10:00:01Z'),
    label: verified.label,
    keyId: verified.keyId,
    alg: verified.alg,
    created: new Date(verified.created! * 1000),
    nonce: verified.nonce!,
    signatureInput: headers['signature-input']!,
    signature: headers.signature!,
    signatureBase: verified.signatureBase,
    contentDigest: headers['content-digest']!,
    publicJwk: key.alg === 'ed25519' ? partnerKey.publicJwk : null,
    keyThumbprint: key.alg === 'ed25519' ? jwkThumbprint(partnerKey.publicJwk) : null,
    bodySha256: sha256Hex(body),
    body: null as Buffer | null,
  };
}

function record(
  rawPayload: string,
  evidence: OpenedCustodyRecord['evidence'],
): OpenedCustodyRecord {
  const referralId = randomUUID();
  const decisionId = randomUUID();
  const redecisionId = randomUUID();
  const payload = { referralId, decision: { id: decisionId }, referral: JSON.parse(rawPayload) };
  const sent = signJson(payload, wissel.privateJwk, 'wissel-test-1');
  return {
    referral: {
      id: referralId,
      sourceSystem: 'IWF',
      sourceId: 'r-1',
      format: 'canonical',
      schemaVersion: 'wissel.referral/1',
      priority: 'normal',
      reportedAt: new Date('2026-12-02T09:00:00Z'),
      receivedAt: new Date('2026-12-02T10:00:02Z'),
      origin: {
        topic: 'referrals.in.canonical.v1',
        partition: 0,
        offset: '7',
        headers: { 'wissel-partner-id': 'iwf', 'wissel-evidence-id': evidence[0]?.id ?? '' },
        sha256: sha256Hex(rawPayload),
      },
      canonical: JSON.parse(rawPayload) as Record<string, unknown>,
      rawPayload,
      anonymisedAt: null,
      caseId: randomUUID(),
      dispatchesPurgedAt: null,
      purgedRecipients: [],
    },
    submission: {
      id: randomUUID(),
      partnerId: 'iwf',
      receivedAt: new Date('2026-12-02T10:00:01Z'),
      acceptedAt: new Date('2026-12-02T10:00:01Z'),
      evidenceId: evidence[0]?.id ?? null,
    },
    evidence,
    decisions: [
      decisionRow(decisionId, null, '2026-12-02T10:00:02Z'),
      decisionRow(redecisionId, decisionId, '2026-12-02T11:00:00Z'),
    ],
    dispatches: [
      {
        dispatchId: randomUUID(),
        recipientId: 'nl-police',
        topic: 'referrals.out.nl-police.v1',
        messageKey: 'k',
        payload,
        headers: { 'wissel-schema': 'wissel.dispatch/1' },
        createdAt: new Date('2026-12-02T10:00:02Z'),
        publishedAt: new Date('2026-12-02T10:00:03Z'),
        attempts: 1,
        lastAttemptAt: new Date('2026-12-02T10:00:03Z'),
        lastError: null,
        deadLetteredAt: null,
        deadLetterReason: null,
        replays: 0,
        signatureKeyId: sent.keyId,
        signature: sent.signature,
      },
    ],
    lifecycle: [],
    acks: [],
    audit: null,
    auditPruned: null,
  };
}

function decisionRow(id: string, supersedesId: string | null, at: string) {
  return {
    id,
    cause: supersedesId ? 'moved' : 'intake',
    supersedesId,
    decidedAt: new Date(at),
    rule: 'hosted_home',
    recipients: ['nl-police'],
    droppedForLoop: [],
    routes: [],
    removalCountries: ['NL'],
    investigationCountries: [],
    held: false,
    confidence: 'high',
    evidence: {},
    rulesetVersion: 'v1',
  };
}

const RAW = '{"schema":"wissel.referral/1","sourceRef":{"system":"IWF","id":"r-1"},"note":"é"}';
const NOW = new Date('2026-12-02T12:00:00Z');

async function exported(raw = RAW): Promise<CustodyDocument> {
  const evidence = await signedSubmission(Buffer.from(raw, 'utf8'));
  return signCustodyDocument(
    assembleCustodyDocument(record(raw, [evidence]), NOW),
    wissel.privateKey,
    'wissel-test-1',
    NOW,
  );
}

describe('the custody export and its standalone verifier', () => {
  it('lays out the referral, its evidence, the decision chain and the dispatches', async () => {
    const document = await exported();
    expect(document.format).toBe(CUSTODY_FORMAT);
    const doc = document as unknown as {
      referral: { rawPayloadSha256: string };
      inbound: { channel: string; partnerRequest: { body: unknown; signatureBase: string } };
      decisions: { inForce: string[]; history: Array<{ id: string; supersededBy: string | null }> };
      dispatches: Array<{ payloadSha256: string; payload: unknown }>;
    };
    expect(doc.referral.rawPayloadSha256).toBe(sha256Hex(RAW));
    expect(doc.inbound.channel).toBe('api');
    expect(doc.inbound.partnerRequest.body).toEqual({ is: 'referral.rawPayload' });
    expect(doc.inbound.partnerRequest.signatureBase).toMatch(/^"@method": POST\n/);
    expect(doc.decisions.inForce).toEqual([doc.decisions.history[1]!.id]);
    expect(doc.decisions.history[0]!.supersededBy).toBe(doc.decisions.history[1]!.id);
    expect(doc.dispatches[0]!.payloadSha256).toBe(
      sha256Hex(canonicalJson(doc.dispatches[0]!.payload)),
    );
    // Exactly its JSON: what is written to the file is what was signed.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('verifies: Wissel signature, partner signature, digests, decisions and dispatches', async () => {
    const { code, checks } = runVerifier(await exported());
    expect(checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'wissel-signature',
        'raw-payload-digest',
        'inbound-record-digest',
        'partner-signature-params',
        'partner-content-digest',
        'partner-signature',
        'decision-chain',
      ]),
    );
    expect(code).toBe(0);
  });

  it('fails, naming what failed, when one byte of the export is changed', async () => {
    const text = JSON.stringify(await exported());
    // One character of the raw payload (a JSON string inside the export, so its quotes are escaped).
    const tampered = text.replace('\\"note\\":\\"é\\"', '\\"note\\":\\"è\\"');
    expect(tampered).not.toBe(text);
    const { code, checks } = runVerifier(tampered);
    expect(code).toBe(1);
    expect(statusOf(checks, 'wissel-signature')).toBe('failed');
    expect(statusOf(checks, 'raw-payload-digest')).toBe('failed');
    expect(statusOf(checks, 'partner-content-digest')).toBe('failed');
  });

  it('fails when the trusted key is another key, even with the same kid', async () => {
    const other = generateEd25519KeyPair('wissel-test-1');
    const jwks = join(dir, 'other-jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [other.publicJwk] }));
    const { code, checks } = runVerifier(await exported(), jwks);
    expect(code).toBe(1);
    expect(checks.find((c) => c.check === 'wissel-signature')).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('does not verify with the trusted key'),
    });
  });

  it('fails when the document is re-signed by someone else with their key embedded', async () => {
    const document = await exported();
    const forger = generateEd25519KeyPair('wissel-test-1');
    const { signature: _, ...unsigned } = document;
    const forged = signCustodyDocument(unsigned, forger.privateKey, 'wissel-test-1', NOW);
    const { code, checks } = runVerifier(forged);
    expect(code).toBe(1);
    expect(statusOf(checks, 'wissel-signature')).toBe('failed');
  });

  it('finds a referral inside a signed batch body', async () => {
    const element = JSON.parse(RAW) as unknown;
    const body = Buffer.from(JSON.stringify([{ other: 1 }, element], null, 1), 'utf8');
    const evidence = { ...(await signedSubmission(body)), body };
    const document = signCustodyDocument(
      assembleCustodyDocument(record(JSON.stringify(element), [evidence]), NOW),
      wissel.privateKey,
      'wissel-test-1',
      NOW,
    );
    const { code, checks } = runVerifier(document);
    expect(statusOf(checks, 'partner-batch-contains-referral')).toBe('ok');
    expect(statusOf(checks, 'partner-signature')).toBe('ok');
    expect(code).toBe(0);
  });

  it('says an HMAC-signed request cannot be checked by a third party, without failing', async () => {
    const raw = RAW;
    const evidence = await signedSubmission(Buffer.from(raw), {
      alg: 'hmac-sha256',
      secret: Buffer.alloc(32, 7),
    });
    const document = signCustodyDocument(
      assembleCustodyDocument(record(raw, [evidence]), NOW),
      wissel.privateKey,
      'wissel-test-1',
      NOW,
    );
    const { code, checks } = runVerifier(document);
    expect(checks.find((c) => c.check === 'partner-signature')).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining('cannot be checked by a third party'),
    });
    expect(code).toBe(0);
  });

  it('fails a dispatch whose payload no longer matches what was signed', async () => {
    const document = await exported();
    const dispatch = (document as unknown as { dispatches: Array<{ payload: { x?: number } }> })
      .dispatches[0]!;
    dispatch.payload.x = 1;
    // Re-signed by Wissel: only the outbound signature (and the digest) can catch it.
    const { signature: _, ...unsigned } = document;
    const resigned = signCustodyDocument(unsigned, wissel.privateKey, 'wissel-test-1', NOW);
    const { code, checks } = runVerifier(resigned);
    expect(code).toBe(1);
    const failed = checks.filter((c) => c.status === 'failed').map((c) => c.check);
    expect(failed).toEqual([
      expect.stringMatching(/payload-digest$/),
      expect.stringMatching(/signature$/),
    ]);
  });

  it('its hand-written canonical JSON is the same as libs/signing (RFC 8785)', () => {
    const values = fc.sample(fc.jsonValue(), 300);
    const script = `import { canonicalJson } from ${JSON.stringify(VERIFIER)};
      let input = ''; process.stdin.on('data', (d) => (input += d));
      process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(input).map(canonicalJson))));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      input: JSON.stringify(values),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    // Through JSON as the verifier receives them (-0 becomes 0 on the way).
    expect(JSON.parse(run.stdout)).toEqual(
      (JSON.parse(JSON.stringify(values)) as unknown[]).map((v) => canonicalJson(v)),
    );
  });
});
