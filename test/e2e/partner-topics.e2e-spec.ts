/**
 * Kafka partners' own inbound topics (W10): the router reads each partner's topic on its
 * lanes (KAFKA_PARTNERS_FILE), parses by lane and dead-letters a referral whose
 * sourceRef.system is not the partner's (source_system_not_owned), on the normal and on the
 * urgent lane, without stopping the consumers. The ACLs that keep a partner on its own
 * topics are proven on a SASL broker in kafka-security.e2e-spec.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { ConsumerRegistry, provisionTopics } from '@wissel/messaging';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const cybertipXml = readFileSync(join(__dirname, '../fixtures/cybertip/example.xml'), 'utf8');
const partners = [
  { id: 'ncmec', inbound: ['cybertip'] as const, systems: ['NCMEC'] },
  { id: 'iwf', inbound: ['canonical', 'urgent'] as const, systems: ['IWF'] },
];

describe('Kafka partner topics: source system ownership', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wissel-partner-topics-'));
  let stack: TestStack;
  let router: INestApplication;

  beforeAll(async () => {
    stack = await TestStack.create('partner_topics');
    await provisionTopics(
      stack.kafka,
      stack.topics
        .partnerInbound(partners.map((p) => ({ ...p, inbound: [...p.inbound] })))
        .map((p) => p.topic),
      { partitions: 1, replicationFactor: 1 },
    );
    const file = join(dir, 'kafka-partners.yaml');
    writeFileSync(
      file,
      'partners:\n' +
        '  ncmec: { inbound: [cybertip], systems: [NCMEC] }\n' +
        '  iwf: { inbound: [canonical, urgent], systems: [IWF] }\n',
    );
    router = await stack.start('router', { KAFKA_PARTNERS_FILE: file });
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("routes a partner's own referrals and dead-letters one under another partner's system", async () => {
    const dlq = await stack.read(stack.topics.deadLetter);
    const reportId = String(Date.now());
    const own = canonicalReferral();
    const ownUrgent = canonicalReferral();
    // iwf claims NCMEC's system, on its normal and on its urgent topic.
    const forged = canonicalReferral({ sourceRef: { system: 'NCMEC', id: `F-${reportId}` } });
    const forgedUrgent = canonicalReferral({
      sourceRef: { system: 'NCMEC', id: `FU-${reportId}` },
    });
    await stack.produce(stack.topics.partnerIn('cybertip', 'ncmec'), [
      cybertipXml.replace('<reportId>182736455</reportId>', `<reportId>${reportId}</reportId>`),
    ]);
    const [forgedAt] = await stack.produce(stack.topics.partnerIn('canonical', 'iwf'), [
      asMessage(forged),
      asMessage(own),
    ]);
    const [forgedUrgentAt] = await stack.produce(stack.topics.partnerIn('urgent', 'iwf'), [
      asMessage(forgedUrgent),
      asMessage(ownUrgent),
    ]);

    const letters = await dlq.until((all) => all.length >= 2, 'two dead letters');
    const records = letters
      .map((l) => ({ ...JSON.parse(l.value), header: l.headers['wissel-dlq-reason'] }))
      .map((r) => ({
        topic: r.origin.topic,
        offset: r.origin.offset,
        code: r.reason.code,
        header: r.header,
        detail: r.reason.detail,
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    expect(records).toEqual([
      {
        topic: stack.topics.partnerIn('canonical', 'iwf'),
        offset: forgedAt,
        code: 'source_system_not_owned',
        header: 'source_system_not_owned',
        detail: `sourceRef.system "NCMEC" is not one of partner iwf's source systems`,
      },
      {
        topic: stack.topics.partnerIn('urgent', 'iwf'),
        offset: forgedUrgentAt,
        code: 'source_system_not_owned',
        header: 'source_system_not_owned',
        detail: `sourceRef.system "NCMEC" is not one of partner iwf's source systems`,
      },
    ]);

    await eventually(
      async () =>
        (await stack.count(
          `referral r JOIN decision d ON d.referral_id = r.id
            WHERE (r.source_system, r.source_id) IN (('NCMEC', $1), ('IWF', $2), ('IWF', $3))`,
          [reportId, own.sourceRef.id, ownUrgent.sourceRef.id],
        )) === 3,
      "the partners' own referrals stored and decided",
    );
    // The forged ones were never stored, and the consumers kept going.
    expect(
      await stack.count(`referral WHERE source_system = 'NCMEC' AND source_id LIKE $1`, [
        `F%-${reportId}`,
      ]),
    ).toBe(0);
    expect(
      Object.fromEntries(
        router
          .get(ConsumerRegistry)
          .entries()
          .map(([name, c]) => [name, c.status()]),
      ),
    ).toEqual({ inbound_intake: 'running', urgent_intake: 'running' });
  });
});
