import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@wissel/config';
import { type EnvelopeCipher } from '@wissel/crypto';
import { Topics, type MessagePublisher, type OutboundMessage } from '@wissel/messaging';
import {
  type ClaimedSubmission,
  type InboundEvidenceRepository,
  type NewSubmission,
  type PartnerSubmissionRepository,
} from '@wissel/persistence';
import { type AuthenticatedPartner } from './authenticate-partner.usecase';
import { PartnerClock } from './partner-clock';
import { DependencyUnavailableError, ForbiddenError, InvalidReferralError } from './partner-errors';
import { SubmitReferralsUseCase } from './submit-referrals.usecase';

const example = readFileSync(
  join(__dirname, '../../../../test/fixtures/canonical/iwf-nl-hosted.json'),
  'utf8',
);
const referral = (id: string, system = 'IWF') => {
  const r = JSON.parse(example) as Record<string, unknown>;
  return { ...r, sourceRef: { system, id } };
};

const partner: AuthenticatedPartner = {
  partnerId: 'iwf',
  sourceSystems: ['IWF'],
  recipients: ['gb-hotline'],
  evidence: {
    keyId: 'iwf-1',
    alg: 'ed25519',
    created: new Date(),
    nonce: 'n',
    signatureInput: 'sig=()',
    signature: 'sig=:AA==:',
    contentDigest: 'sha-256=:AA==:',
  },
};

/** The submission table as a map: the unique (system, id) claim, in memory. */
class FakeSubmissions {
  rows = new Map<string, ClaimedSubmission>();
  accepted: string[] = [];
  failMarking = false;
  async claim(partnerId: string, items: NewSubmission[]): Promise<ClaimedSubmission[]> {
    return items.map((item) => {
      const key = `${item.sourceSystem}/${item.sourceId}`;
      const existing = this.rows.get(key);
      if (existing) return { ...existing, claimed: false };
      const row = {
        id: item.id,
        partnerId,
        sourceSystem: item.sourceSystem,
        sourceId: item.sourceId,
        acceptedAt: null,
        claimed: true,
      };
      this.rows.set(key, row);
      return row;
    });
  }
  async markAccepted(ids: string[], at: Date): Promise<void> {
    if (this.failMarking) throw new Error('Connection terminated');
    this.accepted.push(...ids);
    for (const row of this.rows.values()) if (ids.includes(row.id)) row.acceptedAt = at;
  }
}

class FakePublisher implements MessagePublisher {
  published: OutboundMessage[] = [];
  failing = false;
  /** A broker that takes the request and does not answer (yet). */
  hanging = false;
  async publish(messages: OutboundMessage[]): Promise<void> {
    if (this.failing)
      throw Object.assign(new Error('down'), { name: 'KafkaJSNumberOfRetriesExceeded' });
    if (this.hanging) await new Promise(() => undefined);
    this.published.push(...messages);
  }
  isConnected() {
    return !this.failing;
  }
}

describe('SubmitReferralsUseCase', () => {
  // The use case logs counts per submission; the test output needs none of it.
  beforeAll(() => Logger.overrideLogger(false));

  let submissions: FakeSubmissions;
  let publisher: FakePublisher;
  let useCase: SubmitReferralsUseCase;

  beforeEach(() => {
    submissions = new FakeSubmissions();
    publisher = new FakePublisher();
    useCase = new SubmitReferralsUseCase(
      loadConfig({ MAX_BATCH_REFERRALS: '3' }),
      new Topics('t.'),
      publisher,
      submissions as unknown as PartnerSubmissionRepository,
      new PartnerClock(),
      { record: async () => undefined } as unknown as InboundEvidenceRepository,
      { encrypt: () => 'sealed' } as unknown as EnvelopeCipher,
    );
  });

  const submit = (body: unknown, format: 'canonical' | 'xarf' = 'canonical') =>
    useCase.execute({ partner, format, body: Buffer.from(JSON.stringify(body)) });

  it('produces each referral of a batch with its headers, then marks them accepted', async () => {
    const ids = [randomUUID(), randomUUID()];
    const results = await submit(ids.map((id) => referral(id)));
    expect(results.map((r) => [r.sourceRef.id, r.status])).toEqual(
      ids.map((id) => [id, 'accepted']),
    );
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[0]).toMatchObject({
      topic: 't.referrals.in.canonical.v1',
      key: results[0]!.id,
      headers: {
        'wissel-partner-id': 'iwf',
        'wissel-submission-id': results[0]!.id,
        'wissel-signature-key-id': 'iwf-1',
      },
    });
    expect(submissions.accepted).toEqual(results.map((r) => r.id));
  });

  it('answers an accepted sourceRef with the first id and produces nothing', async () => {
    const id = randomUUID();
    const [first] = await submit(referral(id));
    const [again] = await submit(referral(id));
    expect(again).toEqual({ ...first, status: 'duplicate' });
    expect(publisher.published).toHaveLength(1);
  });

  it('accepts nothing when the broker does not acknowledge, and produces the pending row on retry', async () => {
    const id = randomUUID();
    publisher.failing = true;
    const error = await submit(referral(id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).extras.retryAfterSeconds).toBeGreaterThan(0);
    expect(submissions.accepted).toEqual([]);

    publisher.failing = false;
    const [retried] = await submit(referral(id));
    expect(retried!.status).toBe('accepted');
    expect(publisher.published).toHaveLength(1);
    expect(submissions.accepted).toEqual([retried!.id]);
  });

  it('answers 503 once the broker has not acknowledged within API_PUBLISH_TIMEOUT_MS', async () => {
    jest.useFakeTimers();
    try {
      publisher.hanging = true;
      const id = randomUUID();
      const outcome = submit(referral(id)).catch((e: unknown) => e);
      await jest.advanceTimersByTimeAsync(10_000);
      const error = await outcome;
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).extras.retryAfterSeconds).toBeGreaterThan(0);
      expect(submissions.accepted).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 503 when the acceptance cannot be recorded (a retry produces it again)', async () => {
    submissions.failMarking = true;
    await expect(submit(referral(randomUUID()))).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it("refuses a source system that is not the partner's, producing nothing", async () => {
    const error = await submit([referral('a'), referral('b', 'PDC')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({
      code: 'source_system_not_allowed',
      extras: { field: '/1/sourceRef/system' },
    });
    expect(submissions.rows.size).toBe(0);
    expect(publisher.published).toEqual([]);
  });

  it('refuses a whole batch for one invalid referral, naming it', async () => {
    const bad = { ...referral('b'), reportedAt: 'soon' };
    const error = await submit([referral('a'), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReferralError);
    expect(error).toMatchObject({
      code: 'referral_invalid',
      extras: { reason: 'schema_violation', field: '/1/reportedAt' },
    });
    expect(submissions.rows.size).toBe(0);
  });

  it.each([
    [[], 'batch_empty'],
    [[1, 2, 3, 4].map((i) => referral(String(i))), 'batch_too_large'],
    [[referral('same'), referral('same')], 'source_ref_repeated'],
  ])('refuses a batch: %#', async (batch, reason) => {
    await expect(submit(batch)).rejects.toMatchObject({
      code: 'referral_invalid',
      extras: { reason },
    });
  });

  it('puts X-ARF on its own topic', async () => {
    const report = JSON.parse(
      readFileSync(join(__dirname, '../../../../test/fixtures/xarf/csam-example.json'), 'utf8'),
    ) as Record<string, unknown>;
    const pdc = { ...partner, sourceSystems: ['pointdecontact.example'] };
    const [result] = await useCase.execute({
      partner: pdc,
      format: 'xarf',
      body: Buffer.from(JSON.stringify(report)),
    });
    expect(result!.sourceRef.system).toBe('pointdecontact.example');
    expect(publisher.published[0]!.topic).toBe('t.referrals.in.xarf.v1');
  });

  describe('CyberTipline XML', () => {
    // The fixture follows the CyberTipline reporting schema's element names (see its comment).
    const xml = readFileSync(
      join(__dirname, '../../../../test/fixtures/cybertip/example.xml'),
      'utf8',
    );
    const ncmec = { ...partner, partnerId: 'ncmec', sourceSystems: ['NCMEC'] };
    const submitXml = (body: string, as = ncmec) =>
      useCase.execute({ partner: as, format: 'cybertip', body: Buffer.from(body, 'utf8') });
    const hostile = (name: string) =>
      readFileSync(join(__dirname, `../../../../test/fixtures/cybertip/${name}`), 'utf8');

    it('puts the report on the cybertip topic byte for byte, with the partner headers', async () => {
      const [result] = await submitXml(xml);
      expect(result).toMatchObject({ sourceRef: { system: 'NCMEC' }, status: 'accepted' });
      expect(publisher.published).toHaveLength(1);
      const [message] = publisher.published;
      expect(message).toMatchObject({
        topic: 't.referrals.in.cybertip.v1',
        key: result!.id,
        headers: {
          'wissel-schema': 'ncmec/cybertipline',
          'wissel-partner-id': 'ncmec',
          'wissel-submission-id': result!.id,
          'wissel-signature-key-id': 'iwf-1',
        },
      });
      expect(Buffer.from(message!.value as Buffer).toString('utf8')).toBe(xml);
      const [again] = await submitXml(xml);
      expect(again).toEqual({ ...result, status: 'duplicate' });
      expect(publisher.published).toHaveLength(1);
    });

    it('refuses a partner not registered for NCMEC, naming the system', async () => {
      const error = await submitXml(xml, partner).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: 'source_system_not_allowed' });
      expect((error as ForbiddenError).detail).toContain('"NCMEC"');
      expect(publisher.published).toEqual([]);
    });

    it.each([
      ['hostile-xxe.xml', 'forbidden_xml_construct'],
      ['hostile-billion-laughs.xml', 'forbidden_xml_construct'],
      ['hostile-wrong-root.xml', 'unsupported_schema'],
      ['hostile-malformed.xml', 'invalid_xml'],
    ])('refuses %s with reason %s, producing nothing', async (name, reason) => {
      const error = await submitXml(hostile(name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidReferralError);
      expect(error).toMatchObject({ code: 'referral_invalid', extras: { reason } });
      expect(submissions.rows.size).toBe(0);
      expect(publisher.published).toEqual([]);
    });

    it('refuses XML nested too deeply, UTF-16 and an oversized report', async () => {
      const deep = `<cyberTiplineReferral>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</cyberTiplineReferral>`;
      await expect(submitXml(deep)).rejects.toMatchObject({
        extras: { reason: 'document_too_deep' },
      });
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
      await expect(
        useCase.execute({ partner: ncmec, format: 'cybertip', body: utf16 }),
      ).rejects.toMatchObject({ extras: { reason: 'invalid_encoding' } });
      const big = xml.replace('</cyberTiplineReferral>', `<!--${'x'.repeat(6_000_000)}-->$&`);
      await expect(submitXml(big)).rejects.toMatchObject({
        extras: { reason: 'payload_too_large' },
      });
      expect(publisher.published).toEqual([]);
    });
  });
});
