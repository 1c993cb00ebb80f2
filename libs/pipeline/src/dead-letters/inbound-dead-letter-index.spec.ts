import { type InboundDeadLetterRepository, type NewInboundDeadLetter } from '@wissel/persistence';
import { type DeadLetterPayloadSealer } from './dead-letter-payload-sealer';
import { InboundDeadLetterIndex } from './inbound-dead-letter-index';

function indexWithFakes() {
  const recorded: NewInboundDeadLetter[] = [];
  const repository = {
    record: async (letters: NewInboundDeadLetter[]) => void recorded.push(...letters),
  } as unknown as InboundDeadLetterRepository;
  const sealer = {
    seal: (id: string, bytes: Buffer) => `sealed:${id}:${bytes.length}`,
  } as unknown as DeadLetterPayloadSealer;
  return { index: new InboundDeadLetterIndex(repository, sealer), recorded };
}

const message = (overrides: Record<string, unknown> = {}) => ({
  topic: 'referrals.in.canonical.v1',
  partition: 0,
  offset: '7',
  key: null,
  value: Buffer.from('{"not":"a referral"}'),
  headers: {},
  ...overrides,
});

describe('InboundDeadLetterIndex', () => {
  it('names the partner of a Kafka partner topic, and seals the bytes', async () => {
    const { index, recorded } = indexWithFakes();
    await index.record(
      [
        {
          message: message({ topic: 'p.referrals.in.xarf.eco-nl.v1' }),
          reason: { code: 'invalid_json', detail: 'not JSON' },
          keepPayload: true,
        },
      ],
      new Date(0),
    );
    expect(recorded[0]).toMatchObject({
      partnerId: 'eco-nl',
      sealedPayload: `sealed:${recorded[0]!.id}:20`,
      payloadBytes: 20,
    });
  });

  it('keeps only Wissel headers, without U+0000 or lone surrogates (PostgreSQL refuses both), and no bytes when told', async () => {
    const { index, recorded } = indexWithFakes();
    await index.record(
      [
        {
          message: message({
            headers: { 'wissel-partner-id': 'iwf\u0000', authorization: 'secret' },
          }),
          reason: { code: 'unknown_property', field: '/a\u0000b\ud800', detail: 'unknown' },
          keepPayload: false,
        },
      ],
      new Date(0),
    );
    expect(recorded[0]).toMatchObject({
      headers: { 'wissel-partner-id': 'iwf\uFFFD' },
      partnerId: 'iwf\uFFFD',
      reason: { code: 'unknown_property', field: '/a\uFFFDb\uFFFD' },
      sealedPayload: null,
    });
    expect(recorded[0]!.headers).not.toHaveProperty('authorization');
  });
});
