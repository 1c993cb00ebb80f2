/**
 * Real partners' documents, end to end: X-ARF csam and csem (X-ARF v4.2.0, the official
 * schemas), NCMEC's report with its files in Wissel's envelope and a bare report (the
 * CyberTipline reporting XSD), and an ICCAM v3 report (field names as SCART-application
 * reads them) — each written here to its schema's shape — are accepted and routed by the
 * cluster apps on both adapters of the messaging port (Kafka, and the Postgres bus) and by
 * the embedded mode as `npm start` runs it, through the signed API and through the
 * format's own topic. Every hash given reaches the
 * dispatch, and the routing follows the hosting, the uploader and the sender's hints as
 * docs/jurisdiction.md says.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { type InboundFormat, PARSERS } from '@wissel/formats';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { Topics } from '@wissel/messaging';
import { DnsTestServer } from '../support/dns-test-server';
import { EmbeddedApp } from '../support/embedded-app';
import { appendToPostgresTopic, eventually, TestStack, type Messaging } from '../support/stack';

const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const hex = (seed: string, algorithm: 'md5' | 'sha1' | 'sha256') =>
  createHash(algorithm).update(seed).digest('hex');

const ZONE = {
  // LeaseWeb Netherlands B.V., AS60781: NL geolocated and registered.
  'nl.hoster.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  // Hetzner Online GmbH, AS24940: DE / DE.
  'de.hoster.test': [{ type: 'A' as const, address: '88.198.10.10' }],
};

/** One document to send, where its referral lands, and what routing must have made of it. */
interface Case {
  name: string;
  format: InboundFormat;
  contentType: string;
  /** The sender's source system (the partner must be registered for it). */
  system: string;
  build(unique: string): { body: string; sourceId?: string; hashes: string[] };
  /** Recipients the decision must include, and the hosting basis of each URL locator. */
  recipients: string[];
  bases: string[];
  investigation?: string[];
}

const xarfParty = {
  org: 'Scanner Voorbeeld',
  contact: 'abuse@scanner.example',
  domain: 'scanner.example',
};

const CASES: Case[] = [
  {
    name: 'X-ARF csam hosted at home',
    format: 'xarf',
    contentType: 'application/vnd.xarf+json',
    system: 'scanner.example',
    build: (u) => {
      const id = randomUUID();
      const hashes = { sha256: hex(u, 'sha256'), md5: hex(u, 'md5') };
      return {
        sourceId: id,
        hashes: Object.values(hashes),
        body: JSON.stringify({
          xarf_version: '4.2.0',
          report_id: id,
          timestamp: '2026-11-20T09:00:00Z',
          reporter: xarfParty,
          sender: xarfParty,
          source_identifier: '95.211.184.10',
          category: 'content',
          type: 'csam',
          url: `https://nl.hoster.test/${u}/a.jpg`,
          classification: 'A1',
          detection_method: 'hash_match',
          media_type: 'image',
          hash_values: hashes,
          content_removed: false,
          evidence: [
            {
              content_type: 'text/plain',
              payload: Buffer.from('Assessed by two analysts.').toString('base64'),
            },
          ],
        }),
      };
    },
    recipients: ['nl-hotline'],
    bases: ['trace'],
  },
  {
    name: 'X-ARF csem gone from DNS, hinted FR, its perpetrator in DE',
    format: 'xarf',
    contentType: 'application/vnd.xarf+json',
    system: 'scanner.example',
    build: (u) => {
      const id = randomUUID();
      const sha1 = hex(u, 'sha1');
      return {
        sourceId: id,
        hashes: [sha1],
        body: JSON.stringify({
          xarf_version: '4.2.0',
          report_id: id,
          timestamp: '2026-11-20T09:00:00Z',
          reporter: xarfParty,
          sender: xarfParty,
          // For csem the source is the perpetrator: never hosting evidence.
          source_identifier: '88.198.10.10',
          category: 'content',
          type: 'csem',
          url: `https://gone.hoster.test/${u}/profile`,
          country_code: 'FR',
          exploitation_type: 'grooming',
          detection_method: 'user_report',
          victim_age_range: 'pubescent',
          platform: 'social_media',
          file_hash: { sha1 },
        }),
      };
    },
    recipients: ['fr-hotline'],
    bases: ['sender_hint'],
    investigation: ['DE'],
  },
  {
    name: 'NCMEC report with its files, hosted in DE, its uploader in NL',
    format: 'cybertip',
    contentType: 'application/xml',
    system: 'NCMEC',
    build: (u) => {
      const reportId = String(randomInt(1e8, 2e9));
      const [md5, pdq] = [hex(u, 'md5'), hex(`${u}pdq`, 'sha256').toUpperCase()];
      return {
        sourceId: reportId,
        hashes: [md5, pdq.toLowerCase()],
        body: `<?xml version="1.0" encoding="UTF-8"?>
<cyberTiplineReferral>
  <reportId>${reportId}</reportId>
  <dateReceived>2026-11-19T21:03:11-05:00</dateReceived>
  <report>
    <incidentSummary>
      <incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>
      <incidentDateTime>2026-11-19T18:44:00-05:00</incidentDateTime>
    </incidentSummary>
    <internetDetails>
      <webPageIncident><url>de.hoster.test/${u}/gallery/</url></webPageIncident>
    </internetDetails>
    <reporter><reportingPerson><email>safety@esp.example</email></reportingPerson></reporter>
    <personOrUserReported>
      <espIdentifier>u-${u}</espIdentifier>
      <profileUrl>https://social.example/u/${u}</profileUrl>
      <ipCaptureEvent><ipAddress>95.211.184.10</ipAddress><eventName>Upload</eventName></ipCaptureEvent>
    </personOrUserReported>
  </report>
  <fileDetails>
    <reportId>${reportId}</reportId>
    <fileId>f-1</fileId>
    <fileName>${u}.jpg</fileName>
    <locationOfFile>https://de.hoster.test/${u}/gallery/1.jpg</locationOfFile>
    <originalFileHash hashType="MD5">${md5}</originalFileHash>
    <details type="HASH">
      <nameValuePair><name>PDQ</name><value>${pdq}</value></nameValuePair>
    </details>
  </fileDetails>
</cyberTiplineReferral>`,
      };
    },
    // The scheme-less page URL is read as http://; the uploader's address is in NL.
    recipients: ['de-hotline', 'nl-police'],
    bases: ['trace', 'trace'],
    investigation: ['NL'],
  },
  {
    name: 'NCMEC bare report, keyed by its content, a chat incident for the police',
    format: 'cybertip',
    contentType: 'application/xml',
    system: 'NCMEC',
    build: (u) => ({
      hashes: [],
      body: `<report>
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <incidentDateTime>2026-11-19T18:44:00Z</incidentDateTime>
  </incidentSummary>
  <internetDetails>
    <chatImIncident><chatClient>Example Chat</chatClient></chatImIncident>
  </internetDetails>
  <reporter><reportingPerson><email>safety@esp.example</email></reportingPerson></reporter>
  <personOrUserReported>
    <screenName>${u}</screenName>
    <ipCaptureEvent><ipAddress>95.211.184.10</ipAddress><eventName>Login</eventName></ipCaptureEvent>
  </personOrUserReported>
</report>`,
    }),
    recipients: ['nl-police'],
    bases: [],
    investigation: ['NL'],
  },
  {
    name: 'ICCAM, one URL by the sender’s trace, one assessed without a hash',
    format: 'iccam',
    contentType: 'application/vnd.iccam.report+json',
    system: 'ICCAM',
    build: (u) => {
      const reportId = randomInt(1e8, 2e9);
      const md5 = hex(u, 'md5');
      return {
        sourceId: String(reportId),
        hashes: [md5],
        body: JSON.stringify({
          reportId,
          reportingHotlineId: 37,
          hotlineReceivedDate: '2026-11-20T10:02:00Z',
          reportContents: [
            {
              contentId: reportId + 1,
              url: {
                urlString: `https://moved.hoster.test/${u}/v.mp4`,
                isSourceUrl: true,
                hostingIpAddress: '88.198.10.10',
                hostingCountryCode: 'FR',
              },
              mediaType: 'Video',
              hashes: { md5 },
              assessments: [{ classification: 1, assessmentDate: '2026-11-20T10:05:00Z' }],
            },
            {
              contentId: reportId + 2,
              url: { urlString: `https://nl.hoster.test/${u}/i.png` },
              mediaType: 'Image',
              assessments: [{ classification: 2, assessmentDate: '2026-11-20T10:06:00Z' }],
            },
          ],
        }),
      };
    },
    // The sender's trace (its hosting address, located here) before its stated country.
    recipients: ['de-hotline', 'nl-hotline'],
    bases: ['sender_trace', 'trace'],
  },
];

/** Where the documents go: the apps on either messaging adapter, or the built embedded app. */
interface Target {
  baseUrl: string;
  operatorToken: string;
  db: { query: TestStack['db']['query'] };
  produce(topic: string, value: string): Promise<unknown>;
  topics: Topics;
  close(): Promise<void>;
}

async function clusterTarget(messaging: Messaging): Promise<Target> {
  const stack = await TestStack.create(`partner_docs_${messaging}`, { messaging });
  stack.dns.setZone(ZONE);
  const { baseUrl } = await stack.listen('gateway', {
    OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
  });
  await stack.start('router');
  return {
    baseUrl,
    operatorToken: OPERATOR_TOKEN,
    db: stack.db,
    produce: (topic, value) => stack.produce(topic, [value]),
    topics: stack.topics,
    close: () => stack.close(),
  };
}

/** `npm start` as it runs: one process, its own PostgreSQL, the hops in Postgres tables. */
async function embeddedTarget(): Promise<Target> {
  const dns = await DnsTestServer.start(ZONE);
  const app = await EmbeddedApp.create({ DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '300' });
  await app.start();
  const db = await app.db();
  return {
    baseUrl: app.baseUrl,
    operatorToken: app.operatorToken(),
    db,
    produce: (topic, value) => appendToPostgresTopic(db, topic, [value]),
    topics: new Topics(''),
    close: async () => {
      await db.end();
      await app.dispose();
      await dns.close();
    },
  };
}

const TARGETS: Array<[string, () => Promise<Target>]> = [
  ['the cluster apps on Kafka', () => clusterTarget('kafka')],
  ['the cluster apps on the Postgres bus', () => clusterTarget('postgres')],
  ['the embedded mode (the built app)', embeddedTarget],
];

describe.each(TARGETS)('partners’ documents, %s', (_name, open) => {
  let target: Target;
  const clients = new Map<string, PartnerClient>();

  const operator = (path: string, body: unknown) =>
    fetch(target.baseUrl + path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${target.operatorToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    target = await open();
    for (const system of new Set(CASES.map((c) => c.system))) {
      const id = system.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      const key = generateKeyPairSync('ed25519');
      expect(
        (await operator('/admin/partners', { id, name: id, sourceSystems: [system] })).status,
      ).toBe(201);
      const added = await operator(`/admin/partners/${id}/keys`, {
        keyId: `${id}-1`,
        alg: 'ed25519',
        publicJwk: publicJwk(key.publicKey),
      });
      expect(added.status).toBe(201);
      clients.set(
        system,
        new PartnerClient({
          baseUrl: target.baseUrl,
          keyId: `${id}-1`,
          key: { alg: 'ed25519', privateKey: key.privateKey },
        }),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await target?.close();
  });

  /** The referral stored for a source id, its decision in force, and its dispatches' media. */
  async function routed(system: string, sourceId: string) {
    return eventually(
      async () => {
        const { rows } = await target.db.query<{
          recipients: string[];
          evidence: { hosting: Array<{ basis?: string }> };
          investigation_countries: string[];
          payloads: Array<{ referral: { media: Array<{ hashes: Record<string, string> }> } }>;
        }>(
          `SELECT d.recipients, d.evidence, d.investigation_countries,
                  (SELECT coalesce(jsonb_agg(o.payload), '[]') FROM outbox o WHERE o.referral_id = r.id) AS payloads
             FROM referral r JOIN decision d ON d.referral_id = r.id
            WHERE r.source_system = $1 AND r.source_id = $2
              AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`,
          [system, sourceId],
        );
        return rows[0] && rows[0].payloads.length > 0 ? rows[0] : undefined;
      },
      `the referral ${system}/${sourceId} routed and dispatched`,
      60_000,
    );
  }

  describe.each(['api', 'topic'] as const)('through the %s', (channel) => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_case, c) => {
      const unique = `${channel}-${randomBytes(4).toString('hex')}`;
      const document = c.build(unique);
      let sourceId = document.sourceId;
      if (channel === 'api') {
        const res = await clients.get(c.system)!.submit(document.body, c.contentType);
        expect(res.status).toBe(202);
        const result = (
          res.body as { results: Array<{ sourceRef: { id: string }; status: string }> }
        ).results[0]!;
        expect(result.status).toBe('accepted');
        sourceId ??= result.sourceRef.id;
      } else {
        await target.produce(target.topics.lane(c.format), document.body);
        // A bare NCMEC report is keyed by its content: the id the router will give it.
        const parsed = PARSERS[c.format](Buffer.from(document.body), 1 << 20);
        if (!parsed.ok) throw new Error(`${c.name}: ${JSON.stringify(parsed.rejection)}`);
        sourceId ??= parsed.value.sourceRef.id;
      }
      const stored = await routed(c.system, sourceId!);
      expect(stored.recipients).toEqual(expect.arrayContaining(c.recipients));
      expect(stored.evidence.hosting.map((h) => h.basis)).toEqual(c.bases);
      if (c.investigation) {
        expect(stored.investigation_countries).toEqual(expect.arrayContaining(c.investigation));
      }
      // Every dispatch carries every hash the document gave, in whatever field.
      for (const payload of stored.payloads) {
        const dispatched = payload.referral.media.flatMap((m) => Object.values(m.hashes));
        expect(dispatched).toEqual(expect.arrayContaining(document.hashes));
      }
    });
  });
});
