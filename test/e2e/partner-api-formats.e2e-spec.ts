/**
 * CyberTipline XML and ICCAM reports over the signed partner API, on both adapters of the
 * messaging port (Kafka, and the Postgres bus of the embedded mode): a signed report is
 * answered 202 once it is on its format's inbound topic with the partner headers, the
 * router stores and routes it, a resubmission is a duplicate, and hostile XML gets a
 * problem+json 4xx naming the reason, leaving nothing behind.
 *
 * The XML follows test/fixtures/cybertip/example.xml (the CyberTipline reporting schema's
 * element names); the ICCAM report follows the ICCAM v3 fields of
 * libs/formats/src/iccam/iccam-report.v3.schema.json.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartnerClient, type PartnerResponse } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { eventually, TestStack, type Messaging, type TopicReader } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const MAX_BODY_BYTES = 64 * 1024;
const fixture = (name: string) =>
  readFileSync(join(__dirname, '../fixtures/cybertip', name), 'utf8');
const EXAMPLE_XML = fixture('example.xml');

/** The example report under a report id of its own. */
const cybertipReport = (reportId = String(randomInt(1e8, 1e9))) => ({
  reportId,
  xml: EXAMPLE_XML.replace(/<reportId>\d+<\/reportId>/g, `<reportId>${reportId}</reportId>`),
});

/** An ICCAM v3 report written for this test: one video, assessed baseline, hosted in DE. */
const iccamReport = (reportId = randomInt(1e6, 1e7)) => ({
  reportId: String(reportId),
  body: JSON.stringify({
    reportId,
    reportingHotlineId: 37,
    hotlineReceivedDate: '2026-11-20T10:02:00Z',
    hotlineReference: `MKP-${reportId}`,
    reportContents: [
      {
        contentId: reportId + 1,
        url: {
          urlString: `https://files.hoster.example/v/${reportId}.mp4`,
          hostingCountryCode: 'DE',
        },
        mediaType: 'Video',
        hashes: { sha1: createHash('sha1').update(String(reportId)).digest('hex') },
        assessments: [{ classification: 1, assessmentDate: '2026-11-20T10:05:00Z' }],
      },
    ],
  }),
});

interface Problem {
  type: string;
  status: number;
  code: string;
  detail: string;
  field?: string;
  reason?: string;
}
interface Submitted {
  results: Array<{ id: string; sourceRef: { system: string; id: string }; status: string }>;
}

function expectProblem(response: PartnerResponse, status: number, code: string): Problem {
  const problem = response.body as Problem;
  expect({ status: response.status, code: problem.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(problem.type).toBe(`urn:wissel:problem:${code}`);
  return problem;
}

describe.each<Messaging>(['kafka', 'postgres'])('partner API formats on %s', (messaging) => {
  let stack: TestStack;
  let baseUrl: string;
  let cybertipTopic: TopicReader;
  let iccamTopic: TopicReader;
  const ncmecKey = generateKeyPairSync('ed25519');
  const iccamKey = generateKeyPairSync('ed25519');
  let ncmec: PartnerClient;
  let hotline: PartnerClient;
  /** Report ids of refused requests: none may be stored or produced. */
  const refused: string[] = [];

  const operator = (path: string, body: unknown) =>
    fetch(baseUrl + path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });

  /**
   * Waits until the referral is routed and, unless it repeats a URL already dispatched (it
   * then joins that case), has a dispatch in the outbox.
   */
  async function expectRouted(
    client: PartnerClient,
    id: string,
    format: string,
    dispatched = true,
  ): Promise<void> {
    const routed = await eventually(async () => {
      const status = await client.status(id);
      const body = status.body as { status: string };
      return status.status === 200 && body.status === 'routed' ? body : undefined;
    }, 'the referral to be routed');
    expect(routed).toMatchObject({
      id,
      format,
      status: 'routed',
      route: { caseId: expect.any(String) },
    });
    if (!dispatched) return;
    const { rows } = await stack.db.query<{ n: number; format: string }>(
      `SELECT r.format, count(o.*)::int AS n FROM partner_submission s
         JOIN referral r ON r.source_system = s.source_system AND r.source_id = s.source_id
         JOIN outbox o ON o.referral_id = r.id
        WHERE s.id = $1 GROUP BY r.format`,
      [id],
    );
    expect(rows).toEqual([{ format, n: expect.any(Number) }]);
    expect(rows[0]!.n).toBeGreaterThan(0);
  }

  beforeAll(async () => {
    stack = await TestStack.create(`partner_formats_${messaging}`, { messaging });
    ({ baseUrl } = await stack.listen('gateway', {
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    await stack.start('router');
    cybertipTopic = await stack.read(stack.topics.cybertipIn);
    iccamTopic = await stack.read(stack.topics.iccamIn);
    // A reporting centre is a partner whose source system is the one its format maps to.
    for (const [id, name, system, key] of [
      ['ncmec', 'NCMEC CyberTipline', 'NCMEC', ncmecKey],
      ['hotline-nl', 'Offlimits (via ICCAM)', 'ICCAM', iccamKey],
    ] as const) {
      expect(
        (await operator('/admin/partners', { id, name, sourceSystems: [system] })).status,
      ).toBe(201);
      const added = await operator(`/admin/partners/${id}/keys`, {
        keyId: `${id}-1`,
        alg: 'ed25519',
        publicJwk: publicJwk(key.publicKey),
      });
      expect(added.status).toBe(201);
    }
    const client = (keyId: string, privateKey: typeof ncmecKey.privateKey) =>
      new PartnerClient({ baseUrl, keyId, key: { alg: 'ed25519', privateKey } });
    ncmec = client('ncmec-1', ncmecKey.privateKey);
    hotline = client('hotline-nl-1', iccamKey.privateKey);
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('CyberTipline XML', () => {
    const report = cybertipReport();
    let acceptedId: string;

    it('accepts a signed report as application/xml: on the cybertip topic, then routed', async () => {
      const res = await ncmec.submit(report.xml, 'application/xml');
      expect(res.status).toBe(202);
      const { results } = res.body as Submitted;
      expect(results).toEqual([
        {
          id: expect.any(String),
          sourceRef: { system: 'NCMEC', id: report.reportId },
          status: 'accepted',
        },
      ]);
      acceptedId = results[0]!.id;
      const [message] = (
        await cybertipTopic.until(
          (all) => all.some((m) => m.headers['wissel-submission-id'] === acceptedId),
          'the report on the cybertip topic',
        )
      ).filter((m) => m.headers['wissel-submission-id'] === acceptedId);
      expect(message!.headers).toMatchObject({
        'wissel-schema': 'ncmec/cybertipline',
        'wissel-partner-id': 'ncmec',
        'wissel-signature-key-id': 'ncmec-1',
        'wissel-evidence-id': expect.any(String),
      });
      expect(message!.value).toBe(report.xml);
      await expectRouted(ncmec, acceptedId, 'cybertip');
    });

    it('answers a resubmission (as text/xml) with the first id, storing nothing new', async () => {
      const res = await ncmec.submit(report.xml, 'text/xml; charset=utf-8');
      expect(res.status).toBe(202);
      expect((res.body as Submitted).results).toEqual([
        {
          id: acceptedId,
          sourceRef: { system: 'NCMEC', id: report.reportId },
          status: 'duplicate',
        },
      ]);
      expect(await stack.count('referral WHERE source_id = $1', [report.reportId])).toBe(1);
      expect(
        cybertipTopic.messages.filter((m) => m.headers['wissel-submission-id'] === acceptedId),
      ).toHaveLength(1);
    });

    it('signs content-type: an XML body relabelled after signing is refused', async () => {
      const next = cybertipReport();
      refused.push(next.reportId);
      const prepared = ncmec.prepare('POST', '/v1/referrals', next.xml, 'application/xml');
      prepared.headers['content-type'] = 'text/xml';
      expectProblem(await ncmec.send(prepared), 401, 'signature_invalid');
      const tampered = ncmec.prepare('POST', '/v1/referrals', next.xml, 'application/xml');
      tampered.body = Buffer.from(next.xml.replace('Utrecht', 'Utrecht '));
      expectProblem(await ncmec.send(tampered), 401, 'digest_mismatch');
    });

    it.each([
      ['a DTD', 'hostile-bare-dtd.xml', 'forbidden_xml_construct'],
      ['an external entity', 'hostile-xxe.xml', 'forbidden_xml_construct'],
      ['billion laughs', 'hostile-billion-laughs.xml', 'forbidden_xml_construct'],
      ['an undeclared entity', 'hostile-undeclared-entity.xml', 'invalid_xml'],
      ['the wrong root', 'hostile-wrong-root.xml', 'unsupported_schema'],
    ])('refuses %s with 422 and the reason', async (_what, file, reason) => {
      const problem = expectProblem(
        await ncmec.submit(fixture(file), 'application/xml'),
        422,
        'referral_invalid',
      );
      expect(problem.reason).toBe(reason);
      expect(problem.detail).not.toContain('http');
    });

    it('refuses nesting too deep, non-UTF-8 bodies and charsets, and an oversized body', async () => {
      const deep = `<cyberTiplineReferral>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</cyberTiplineReferral>`;
      const tooDeep = expectProblem(
        await ncmec.submit(deep, 'application/xml'),
        422,
        'referral_invalid',
      );
      expect(tooDeep.reason).toBe('document_too_deep');

      const latin1 = cybertipReport();
      refused.push(latin1.reportId);
      const body = Buffer.from(latin1.xml.replace('Utrecht', 'Utrécht'), 'latin1');
      const notUtf8 = expectProblem(
        await ncmec.submit(body, 'application/xml'),
        422,
        'referral_invalid',
      );
      expect(notUtf8.reason).toBe('invalid_encoding');
      expectProblem(
        await ncmec.submit(body, 'application/xml; charset=iso-8859-1'),
        415,
        'unsupported_media_type',
      );

      const big = cybertipReport();
      refused.push(big.reportId);
      const padded = big.xml.replace(
        '</cyberTiplineReferral>',
        `<!--${'x'.repeat(MAX_BODY_BYTES)}-->$&`,
      );
      expectProblem(await ncmec.submit(padded, 'application/xml'), 413, 'body_too_large');
    });

    it('refuses a report from a partner not registered for NCMEC', async () => {
      const other = cybertipReport();
      refused.push(other.reportId);
      const problem = expectProblem(
        await hotline.submit(other.xml, 'application/xml'),
        403,
        'source_system_not_allowed',
      );
      expect(problem.detail).toContain('"NCMEC"');
    });
  });

  describe('ICCAM', () => {
    const report = iccamReport();
    let acceptedId: string;

    it('accepts a signed report: on the iccam topic, then routed', async () => {
      const res = await hotline.submit(report.body, 'application/vnd.iccam.report+json');
      expect(res.status).toBe(202);
      const [result] = (res.body as Submitted).results;
      expect(result).toMatchObject({
        sourceRef: { system: 'ICCAM', id: report.reportId },
        status: 'accepted',
      });
      acceptedId = result!.id;
      const [message] = (
        await iccamTopic.until(
          (all) => all.some((m) => m.headers['wissel-submission-id'] === acceptedId),
          'the report on the iccam topic',
        )
      ).filter((m) => m.headers['wissel-submission-id'] === acceptedId);
      expect(message!.headers).toMatchObject({
        'wissel-schema': 'iccam/3',
        'wissel-partner-id': 'hotline-nl',
      });
      expect(message!.value).toBe(report.body);
      await expectRouted(hotline, acceptedId, 'iccam');
    });

    it('answers a resubmission as a duplicate, and refuses an invalid report naming the field', async () => {
      const again = await hotline.submit(report.body, 'application/vnd.iccam.report+json');
      expect((again.body as Submitted).results).toEqual([
        {
          id: acceptedId,
          sourceRef: { system: 'ICCAM', id: report.reportId },
          status: 'duplicate',
        },
      ]);
      const bad = JSON.parse(iccamReport().body) as {
        reportId: number;
        hotlineReceivedDate: string;
      };
      refused.push(String(bad.reportId));
      bad.hotlineReceivedDate = 'yesterday';
      const problem = expectProblem(
        await hotline.submit(JSON.stringify(bad), 'application/vnd.iccam.report+json'),
        422,
        'referral_invalid',
      );
      expect(problem).toMatchObject({ reason: 'schema_violation', field: '/hotlineReceivedDate' });
      expectProblem(
        await ncmec.submit(iccamReport().body, 'application/vnd.iccam.report+json'),
        403,
        'source_system_not_allowed',
      );
    });
  });

  it('stored and produced nothing for any refused request', async () => {
    // A last valid report: once it is routed, anything produced before it would be stored too.
    const sentinel = cybertipReport();
    const res = await ncmec.submit(sentinel.xml, 'application/xml');
    expect(res.status).toBe(202);
    await expectRouted(ncmec, (res.body as Submitted).results[0]!.id, 'cybertip', false);
    expect(refused.length).toBeGreaterThan(4);
    expect(await stack.count('partner_submission WHERE source_id = ANY($1)', [refused])).toBe(0);
    expect(await stack.count('referral WHERE source_id = ANY($1)', [refused])).toBe(0);
    const produced = [...cybertipTopic.messages, ...iccamTopic.messages].map((m) => m.value);
    expect(produced.filter((v) => refused.some((id) => v.includes(id)))).toEqual([]);
  });
});
