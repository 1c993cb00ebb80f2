/**
 * Topic settings on the real broker: Wissel creates its topics with its own retention and
 * largest message instead of the broker's defaults (7 days, 1 MiB), so a referral up to
 * MAX_MESSAGE_BYTES gets onto its topic, and its dead letter (the bytes in base64) onto
 * the dead-letter topic.
 */
import { ConfigResourceTypes } from 'kafkajs';
import { asMessage, canonicalReferral } from '../support/referrals';
import { TestStack } from '../support/stack';

const DAY_MS = 86_400_000;

describe('topic settings', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('topic_settings');
    await stack.start('router');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('creates every topic with the configured retention and message size', async () => {
    const admin = stack.kafka.admin();
    await admin.connect();
    try {
      const topics = [
        stack.topics.canonicalIn,
        stack.topics.deadLetter,
        stack.topics.outbound('nl-hotline'),
      ];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['retention.ms', 'max.message.bytes'],
        })),
      });
      for (const resource of resources) {
        const value = (name: string) =>
          resource.configEntries.find((e) => e.configName === name)?.configValue;
        expect([resource.resourceName, value('retention.ms')]).toEqual([
          resource.resourceName,
          String(14 * DAY_MS),
        ]);
        // 5 MiB referrals; their dead letters are 4/3 of that in base64, with headroom.
        expect(Number(value('max.message.bytes'))).toBeGreaterThan((5 * 1024 * 1024 * 4) / 3);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('takes a 2 MiB message on an inbound topic and its dead letter on the dead-letter topic', async () => {
    const dlq = await stack.read(stack.topics.deadLetter);
    // Valid JSON, refused by the router (a string far over 16 KiB), carried whole to the DLQ.
    const referral = canonicalReferral({ notes: 'n'.repeat(2 * 1024 * 1024) });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)], 0);
    const [letter] = await dlq.until((all) => all.length > 0, 'the dead letter');
    expect(letter!.headers['wissel-dlq-reason']).toBe('media_bytes_forbidden');
    expect(letter!.value.length).toBeGreaterThan(2 * 1024 * 1024);
  });
});
