/**
 * Incidents without a URL on the real stack: the router locates the uploader's IP events in
 * the packaged @ip-location-db data sets and sends the referral to the police of that
 * country (the domestic police, a police partner, or the international contact), to review
 * when nowhere is known, and treats a pseudo-country code as unknown. The rules are the
 * shipped ones plus a German police partner. Every address's country was checked against
 * the packaged data (build 2026-06-17) in jurisdiction.e2e-spec.ts; when a data update moves
 * one, pick another address, never weaken the assertion.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { parse, stringify } from 'yaml';
import { loadConfig } from '@wissel/config';
import { provisionTopics, topicSpec } from '@wissel/messaging';
import { defaultDataSetPaths } from '@wissel/geo';
import { type DecisionRecord } from '@wissel/persistence';
import { GetDecisionRecordUseCase } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack, type TopicReader } from '../support/stack';

// LeaseWeb NL, Hetzner DE (police partner), OVH FR (partner hotline, no police partner).
const AT_HOME = '95.211.184.10';
const IN_GERMANY = '88.198.10.10';
const IN_FRANCE = '51.91.10.10';
// An anonymous proxy: this test's own geolocation file, read before the packaged one, gives
// its block the GeoIP pseudo-code A1; the registration data still says DE.
const BEHIND_PROXY = '185.220.101.1';

/** A chat incident: nothing to take down, one media hash, the given people. */
function incident(persons: unknown[]) {
  return canonicalReferral({
    sourceRef: { system: 'TEST-PARTNER', id: `T-${randomUUID()}` },
    via: [],
    incident: { type: 'csam', priority: 'normal', channels: ['chat'] },
    locators: [],
    media: [{ mediaType: 'image', hashes: { sha256: randomBytes(32).toString('hex') } }],
    persons,
    hints: {},
  });
}
const uploaderAt = (ip: string) => ({ role: 'uploader', ipEvents: [{ ip, event: 'upload' }] });

describe('incidents without a URL: the uploader’s country decides the police', () => {
  let stack: TestStack;
  let router: INestApplication;
  const readers: Record<string, TopicReader> = {};

  beforeAll(async () => {
    stack = await TestStack.create('no_url');
    const rules = parse(readFileSync(ROUTING_CONFIG, 'utf8'));
    rules.recipients['de-police'] = { kind: 'partner_police', country: 'DE', delivery: 'kafka' };
    const dir = mkdtempSync(join(tmpdir(), 'wissel-no-url-'));
    writeFileSync(join(dir, 'routing.yaml'), stringify(rules));
    writeFileSync(join(dir, 'pseudo-geo.csv'), '185.220.101.0,185.220.101.255,A1\n');
    const settings = {
      ROUTING_CONFIG: join(dir, 'routing.yaml'),
      GEO_COUNTRY_DB: [join(dir, 'pseudo-geo.csv'), ...defaultDataSetPaths().geo_country].join(','),
    };
    // The partner's topic, as the stack provisions the shipped recipients' topics.
    await provisionTopics(stack.kafka, [stack.topics.outbound('de-police')], {
      ...topicSpec({ ...loadConfig(stack.env), KAFKA_REPLICATION_FACTOR: 1 }),
      partitions: 1,
    });
    router = await stack.start('router', settings);
    await stack.start('dispatcher', settings);
    for (const id of ['nl-police', 'de-police', 'intl-police', 'review']) {
      readers[id] = await stack.read(stack.topics.outbound(id));
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Produces referrals and returns each one's decision record once it is stored. */
  async function route(
    ...referrals: Array<ReturnType<typeof incident>>
  ): Promise<DecisionRecord[]> {
    await stack.produce(stack.topics.canonicalIn, referrals.map(asMessage));
    const ids = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string; source_id: string }>(
        `SELECT r.id, r.source_id FROM referral r JOIN decision d ON d.referral_id = r.id
          WHERE r.source_id = ANY($1)`,
        [referrals.map((r) => r.sourceRef.id)],
      );
      return rows.length === referrals.length ? rows : undefined;
    }, `${referrals.length} decision(s)`);
    const records = router.get(GetDecisionRecordUseCase);
    return Promise.all(
      referrals.map((r) =>
        records.execute(ids.find((row) => row.source_id === r.sourceRef.id)!.id),
      ),
    );
  }

  const delivered = (recipient: string, referralId: string) =>
    readers[recipient]!.until(
      (all) => all.some((m) => m.headers['wissel-referral-id'] === referralId),
      `the dispatch of ${referralId} on ${recipient}`,
    );

  it('sends an uploader at home to the domestic police, sure only when located', async () => {
    const [located, estimated] = await route(
      incident([uploaderAt(AT_HOME)]),
      incident([{ role: 'uploader', estimatedCountry: 'NL' }]),
    );
    expect(located!.decisions[0]).toMatchObject({
      rule: 'no_url_incident',
      recipients: ['nl-police'],
      investigationCountries: ['NL'],
      confidence: 'high',
      routes: [
        {
          recipient: 'nl-police',
          purpose: 'investigation',
          rule: 'no_url_incident',
          country: 'NL',
        },
        {
          recipient: 'nl-police',
          purpose: 'investigation',
          rule: 'investigation_at_home',
          country: 'NL',
        },
      ],
    });
    // The sender's estimate alone is a guess: same police, low confidence.
    expect(estimated!.decisions[0]).toMatchObject({
      rule: 'no_url_incident',
      recipients: ['nl-police'],
      confidence: 'low',
    });
    await delivered('nl-police', located!.referral.id);
  });

  it('sends an uploader in a country with a police partner to that partner', async () => {
    const [record] = await route(incident([uploaderAt(IN_GERMANY)]));
    expect(record!.decisions[0]).toMatchObject({
      rule: 'no_url_incident_partner_police',
      recipients: ['de-police'],
      investigationCountries: ['DE'],
      confidence: 'high',
    });
    await delivered('de-police', record!.referral.id);
    expect(
      readers['nl-police']!.messages.map((m) => m.headers['wissel-referral-id']),
    ).not.toContain(record!.referral.id);
  });

  it('sends an uploader in a partner-hotline country without a police partner to the international contact', async () => {
    const [record] = await route(incident([uploaderAt(IN_FRANCE)]));
    expect(record!.decisions[0]).toMatchObject({
      rule: 'no_url_incident_abroad',
      recipients: ['intl-police'],
      investigationCountries: ['FR'],
      confidence: 'high',
    });
    await delivered('intl-police', record!.referral.id);
  });

  it('sends an incident placed nowhere to review, at low confidence', async () => {
    const [record] = await route(incident([]));
    expect(record!.decisions[0]).toMatchObject({
      rule: 'no_url_location_unknown',
      recipients: ['review'],
      investigationCountries: [],
      confidence: 'low',
      routes: [{ recipient: 'review', purpose: 'review', rule: 'no_url_location_unknown' }],
    });
    await delivered('review', record!.referral.id);
  });

  it('takes a pseudo-country code for unknown: review, low confidence, the code recorded', async () => {
    const [record] = await route(incident([{ role: 'uploader', estimatedCountry: 'XX' }]));
    const decision = record!.decisions[0]!;
    expect(decision).toMatchObject({
      rule: 'no_url_location_unknown',
      recipients: ['review'],
      investigationCountries: [],
      confidence: 'low',
      routes: [
        { recipient: 'review', purpose: 'review', rule: 'no_url_location_unknown' },
        { recipient: 'review', purpose: 'review', rule: 'pseudo_country' },
      ],
    });
    expect(decision.evidence.unknownLocations).toEqual([
      { source: 'stated_country', role: 'uploader', code: 'XX' },
    ]);
    await delivered('review', record!.referral.id);
    expect(
      readers['nl-police']!.messages.map((m) => m.headers['wissel-referral-id']),
    ).not.toContain(record!.referral.id);
  });

  it('takes a GeoIP pseudo-code for unknown, never the registration behind it', async () => {
    const [record] = await route(incident([uploaderAt(BEHIND_PROXY)]));
    const decision = record!.decisions[0]!;
    expect(decision).toMatchObject({
      rule: 'no_url_location_unknown',
      recipients: ['review'],
      investigationCountries: [],
      confidence: 'low',
    });
    expect((decision.routes as Array<{ rule: string }>).map((r) => r.rule)).toEqual([
      'no_url_location_unknown',
      'pseudo_country',
    ]);
    expect(decision.evidence.unknownLocations).toEqual([
      { source: 'ip_event', role: 'uploader', code: 'A1' },
    ]);
    // The located event is kept without its address, with the code the data gave.
    const facts = decision.evidence.facts as { personEvents: Array<Record<string, unknown>> };
    expect(facts.personEvents).toEqual([
      expect.objectContaining({ person: 0, event: 0, geoPseudoCountry: 'A1' }),
    ]);
    expect(JSON.stringify(decision.evidence)).not.toContain(BEHIND_PROXY);
  });
});
