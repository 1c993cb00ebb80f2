/**
 * Jurisdiction on the real stack (W5): the router traces each host on a loopback DNS server
 * whose names resolve to real addresses, looks them up in the packaged @ip-location-db data
 * sets, and decides. Every expectation about an address was checked against the packaged
 * data (build 2026-06-17) with AddressLocator before it was written here; when a data update
 * moves one, pick another address, never weaken the assertion.
 */
import { randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { type DecisionRecord } from '@wissel/persistence';
import { DiscloseOriginUseCase, GetDecisionRecordUseCase } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type TopicReader } from '../support/stack';

const ZONE = {
  // LeaseWeb Netherlands B.V., AS60781: NL geolocated and registered.
  'nl.hoster.test': [{ type: 'A' as const, address: '95.211.184.10' }],
  // Hetzner Online GmbH, AS24940: DE / DE.
  'de.hoster.test': [{ type: 'A' as const, address: '88.198.10.10' }],
  // OVH SAS, AS16276: FR / FR.
  'fr.hoster.test': [{ type: 'A' as const, address: '51.91.10.10' }],
  // Cloudflare, Inc., AS13335: no geolocated country, registered US. A CDN edge.
  'shop.cdn.test': [{ type: 'A' as const, address: '104.16.0.1' }],
  'other.cdn.test': [{ type: 'A' as const, address: '104.16.0.2' }],
  // YANDEX LLC, AS13238: RU / RU — no partner hotline in the directory.
  'ru.hoster.test': [{ type: 'A' as const, address: '77.88.55.88' }],
  // LeaseWeb Netherlands B.V., AS60781, over IPv6 only: NL / NL.
  'v6.hoster.test': [{ type: 'AAAA' as const, address: '2001:1af8:4700::1' }],
  // Google LLC, AS15169: geolocated DE (Frankfurt), registered IE.
  'split.hoster.test': [{ type: 'AAAA' as const, address: '2a00:1450:4001::1' }],
  // One name, addresses in two countries.
  'multi.hoster.test': [
    { type: 'A' as const, address: '95.211.184.10' },
    { type: 'A' as const, address: '88.198.10.10' },
  ],
  'held.hoster.test': [{ type: 'A' as const, address: '95.211.0.50' }],
};

const PACKAGE_BUILD = '2026-06-17T19:00:00.000Z';

function referral(url: string, overrides: Record<string, unknown> = {}) {
  return canonicalReferral({
    sourceRef: { system: 'TEST-PARTNER', id: `T-${randomUUID()}` },
    via: [],
    locators: [{ kind: 'web_page', url }],
    hints: {},
    ...overrides,
  });
}

describe('jurisdiction: trace and decide on real addresses', () => {
  let stack: TestStack;
  let router: INestApplication;
  const readers: Record<string, TopicReader> = {};

  beforeAll(async () => {
    stack = await TestStack.create('jurisdiction');
    stack.dns.setZone(ZONE);
    router = await stack.start('router');
    await stack.start('dispatcher');
    for (const id of [
      'nl-hotline',
      'de-hotline',
      'fr-hotline',
      'nl-police',
      'intl-police',
      'review',
    ]) {
      readers[id] = await stack.read(stack.topics.outbound(id));
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Produces referrals and returns each one's decision record once it is stored. */
  async function route(
    ...referrals: Array<ReturnType<typeof referral>>
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
  const sentTo = (recipient: string, referralId: string) =>
    readers[recipient]!.messages.filter((m) => m.headers['wissel-referral-id'] === referralId);
  const hostFacts = (record: DecisionRecord) =>
    (record.decisions[0]!.evidence.facts as { hosts: Array<Record<string, any>> }).hosts; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('routes Dutch, German and French hosting to the hotline of each, with the evidence', async () => {
    const [nl, de, fr] = await route(
      referral('https://nl.hoster.test/a.jpg'),
      referral('https://de.hoster.test/b.jpg'),
      referral('https://fr.hoster.test/c.jpg'),
    );
    expect(nl!.decisions[0]).toMatchObject({
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
      removalCountries: ['NL'],
      confidence: 'high',
      held: false,
      cause: 'intake',
      routes: [
        {
          recipient: 'nl-hotline',
          purpose: 'removal',
          rule: 'hosted_at_home',
          country: 'NL',
          locators: [0],
        },
      ],
    });
    expect(nl!.decisions[0]!.rulesetVersion).toMatch(/^2026-11-22\.1\+[0-9a-f]{12}$/);
    const [trace] = hostFacts(nl!);
    expect(trace).toMatchObject({
      host: 'nl.hoster.test',
      outcome: 'resolved',
      dns: { A: { outcome: 'addresses' }, AAAA: { outcome: 'nodata' } },
      addresses: [
        {
          ip: '95.211.184.10',
          family: 4,
          range: 'unicast',
          geoCountry: 'NL',
          registeredCountry: 'NL',
          asn: 60781,
          asOrganisation: 'LeaseWeb Netherlands B.V.',
          countriesAgree: true,
        },
      ],
    });
    expect(
      Object.fromEntries(
        trace!.dataSets.map((d: { name: string; builtAt: string }) => [d.name, d.builtAt]),
      ),
    ).toEqual({
      'geolite2-country.mmdb': '2026-06-17T19:53:26.000Z',
      'geo-whois-asn-country.mmdb': '2026-06-17T19:51:40.000Z',
      'asn-ipv4.csv': PACKAGE_BUILD,
    });
    expect(Date.parse(trace!.tracedAt)).toBeGreaterThan(Date.now() - 120_000);

    expect(de!.decisions[0]).toMatchObject({
      rule: 'hosted_abroad_partner',
      recipients: ['de-hotline'],
      removalCountries: ['DE'],
      confidence: 'high',
    });
    expect(hostFacts(de!)[0]!.addresses[0]).toMatchObject({
      asn: 24940,
      asOrganisation: 'Hetzner Online GmbH',
      geoCountry: 'DE',
    });
    expect(fr!.decisions[0]).toMatchObject({
      rule: 'hosted_abroad_partner',
      recipients: ['fr-hotline'],
      removalCountries: ['FR'],
    });
    expect(hostFacts(fr!)[0]!.addresses[0]).toMatchObject({
      asn: 16276,
      asOrganisation: 'OVH SAS',
      geoCountry: 'FR',
    });

    const [dispatch] = await delivered('nl-hotline', nl!.referral.id);
    expect(JSON.parse(dispatch!.value).decision).toMatchObject({
      id: nl!.decisions[0]!.id,
      rule: 'hosted_at_home',
      routes: [{ purpose: 'removal', rule: 'hosted_at_home', country: 'NL' }],
      held: false,
    });
    await delivered('de-hotline', de!.referral.id);
    await delivered('fr-hotline', fr!.referral.id);
  });

  it('keeps a CDN edge’s hosting unknown and sends it to review, with the CDN recorded', async () => {
    const [cdn] = await route(
      referral('https://shop.cdn.test/x.jpg', { hints: { hostingCountry: 'NL' } }),
    );
    expect(cdn!.decisions[0]).toMatchObject({
      rule: 'behind_cdn',
      recipients: ['review'],
      removalCountries: [],
      confidence: 'low',
    });
    expect(cdn!.decisions[0]!.evidence.hosting).toEqual([
      { locator: 0, host: 'shop.cdn.test', status: 'behind_cdn', countries: [], cdn: 'Cloudflare' },
    ]);
    expect(hostFacts(cdn!)[0]!.addresses[0]).toEqual({
      ip: '104.16.0.1',
      family: 4,
      ttl: 300,
      range: 'unicast',
      registeredCountry: 'US',
      asn: 13335,
      asOrganisation: 'Cloudflare, Inc.',
    });
    await delivered('review', cdn!.referral.id);
  });

  it('sends hosting without a partner hotline to the international police channel', async () => {
    const [ru] = await route(referral('https://ru.hoster.test/x'));
    expect(ru!.decisions[0]).toMatchObject({
      rule: 'hosted_abroad_no_partner',
      recipients: ['intl-police'],
      removalCountries: ['RU'],
      routes: [{ recipient: 'intl-police', purpose: 'removal', country: 'RU' }],
    });
    expect(hostFacts(ru!)[0]!.addresses[0]).toMatchObject({
      asn: 13238,
      asOrganisation: 'YANDEX LLC',
      geoCountry: 'RU',
      registeredCountry: 'RU',
    });
    await delivered('intl-police', ru!.referral.id);
  });

  it('traces an IPv6-only host', async () => {
    const [v6] = await route(referral('https://v6.hoster.test/x'));
    expect(v6!.decisions[0]).toMatchObject({
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
      confidence: 'high',
    });
    const [trace] = hostFacts(v6!);
    expect(trace).toMatchObject({
      dns: { A: { outcome: 'nodata' }, AAAA: { outcome: 'addresses' } },
      addresses: [{ ip: '2001:1af8:4700::1', family: 6, geoCountry: 'NL', asn: 60781 }],
    });
    expect(trace!.dataSets.map((d: { name: string }) => d.name)).toContain('asn-ipv6.csv');
  });

  it('records a disagreement of geolocated and registered countries and lowers confidence', async () => {
    const [split] = await route(referral('https://split.hoster.test/x'));
    expect(split!.decisions[0]).toMatchObject({
      rule: 'hosted_abroad_partner',
      recipients: ['de-hotline'],
      confidence: 'low',
    });
    expect(split!.decisions[0]!.evidence.hosting).toEqual([
      expect.objectContaining({
        status: 'located',
        basis: 'trace',
        countries: ['DE'],
        countriesDisagree: true,
      }),
    ]);
    expect(hostFacts(split!)[0]!.addresses[0]).toMatchObject({
      geoCountry: 'DE',
      registeredCountry: 'IE',
      countriesAgree: false,
      asn: 15169,
    });
  });

  it('routes each country of a host with addresses in several, and investigation apart from removal', async () => {
    const [multi, uploaderHome] = await route(
      referral('https://multi.hoster.test/x'),
      referral('https://de.hoster.test/y', {
        persons: [{ role: 'uploader', ipEvents: [{ ip: '95.211.184.10', event: 'upload' }] }],
      }),
    );
    expect(multi!.decisions[0]).toMatchObject({
      recipients: ['nl-hotline', 'de-hotline'],
      removalCountries: ['NL', 'DE'],
    });
    expect(uploaderHome!.decisions[0]).toMatchObject({
      recipients: ['de-hotline', 'nl-police'],
      removalCountries: ['DE'],
      investigationCountries: ['NL'],
      routes: [
        { recipient: 'de-hotline', purpose: 'removal', rule: 'hosted_abroad_partner' },
        {
          recipient: 'nl-police',
          purpose: 'investigation',
          rule: 'investigation_at_home',
          country: 'NL',
        },
      ],
    });
    expect(uploaderHome!.decisions[0]!.evidence.investigation).toEqual([
      { role: 'uploader', country: 'NL', basis: 'ip_event' },
    ]);
    await delivered('nl-police', uploaderHome!.referral.id);
  });

  it('keeps the urgent police route of a URL under notice that an urgent report repeats', async () => {
    const held = `https://nl.hoster.test/${randomUUID()}.jpg`;
    const [first] = await route(referral(held));
    expect(first!.decisions[0]).toMatchObject({ recipients: ['nl-hotline'] });
    // An urgent report of the held URL (hosted at home) beside a new one hosted in Germany.
    const [urgent] = await route(
      referral(held, {
        incident: { type: 'csam', priority: 'urgent' },
        locators: [
          { kind: 'web_page', url: held },
          { kind: 'web_page', url: `https://de.hoster.test/${randomUUID()}.jpg` },
        ],
      }),
    );
    // No second notice for the held URL; the police still hear of it at once.
    expect(urgent!.decisions[0]).toMatchObject({
      recipients: ['nl-police', 'de-hotline'],
      routes: [
        { recipient: 'nl-police', purpose: 'investigation', rule: 'urgent_at_home' },
        { recipient: 'de-hotline', purpose: 'removal', locators: [1] },
      ],
    });
    await delivered('nl-police', urgent!.referral.id);
  });

  it('sends a hidden service to the police, without a DNS query', async () => {
    stack.dns.resetCounts();
    const [onion] = await route(
      referral('http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion/x'),
    );
    expect(onion!.decisions[0]).toMatchObject({
      rule: 'hidden_service',
      recipients: ['nl-police'],
    });
    expect(stack.dns.totalQueries).toBe(0);
    await delivered('nl-police', onion!.referral.id);
  });

  it('falls back on the sender’s hint when the host is not in DNS, and says so', async () => {
    const [hinted] = await route(
      referral('https://gone.hoster.test/x', { hints: { hostingCountry: 'FR' } }),
    );
    expect(hinted!.decisions[0]).toMatchObject({
      rule: 'hosted_abroad_partner',
      recipients: ['fr-hotline'],
      confidence: 'low',
    });
    expect(hinted!.decisions[0]!.evidence.hosting).toEqual([
      {
        locator: 0,
        host: 'gone.hoster.test',
        status: 'located',
        basis: 'sender_hint',
        countries: ['FR'],
      },
    ]);
    expect(hostFacts(hinted!)[0]).toMatchObject({ outcome: 'nxdomain', addresses: [] });
  });

  it('falls back on the sender’s own trace before its hint, never on a person’s address', async () => {
    const observed = (id: string, persons: unknown[] = []) =>
      referral(`https://gone.hoster.test/${id}`, {
        sourceRef: { system: 'TEST-PARTNER', id },
        schema: 'wissel.referral/2',
        locators: [
          {
            kind: 'web_page',
            url: `https://gone.hoster.test/${id}`,
            observedIps: ['88.198.10.10'],
            hints: { hostingCountry: 'FR' },
          },
        ],
        persons,
      });
    const [traced, perpetrator] = await route(
      observed(`sender-trace-${Date.now()}`),
      observed(`sender-trace-person-${Date.now()}`, [
        { role: 'account', ipEvents: [{ ip: '88.198.10.10' }] },
      ]),
    );
    expect(traced!.decisions[0]).toMatchObject({ recipients: ['de-hotline'], confidence: 'low' });
    expect(traced!.decisions[0]!.evidence.hosting).toEqual([
      {
        locator: 0,
        host: 'gone.hoster.test',
        status: 'located',
        basis: 'sender_trace',
        countries: ['DE'],
      },
    ]);
    // The same address as a person's is no hosting evidence: the locator's hint decides,
    // and the address counts for the investigation (DE: the international police channel).
    expect(perpetrator!.decisions[0]).toMatchObject({
      recipients: ['fr-hotline', 'intl-police'],
      investigationCountries: ['DE'],
      confidence: 'low',
    });
    expect(perpetrator!.decisions[0]!.evidence.hosting).toMatchObject([{ basis: 'sender_hint' }]);
    await delivered('de-hotline', traced!.referral.id);
  });

  it('holds a home-hosted referral for the police over the holds topic, and releases it when lifted', async () => {
    const holdId = randomUUID();
    const dlq = await stack.read(stack.topics.deadLetter);
    const [, badOffset] = await stack.produce(stack.topics.holdsIn, [
      JSON.stringify({
        schema: 'wissel.police-hold/1',
        action: 'set',
        id: holdId,
        kind: 'domain',
        value: 'hoster.test',
        reference: 'OPS-2026-77',
        setBy: 'nl-police',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
      JSON.stringify({
        schema: 'wissel.police-hold/1',
        action: 'set',
        id: randomUUID(),
        kind: 'domain',
        value: 'not a domain',
        setBy: 'x',
        expiresAt: '2099-01-01T00:00:00Z',
      }),
    ]);
    const [letter] = await dlq.until(
      (all) => all.some((m) => JSON.parse(m.value).origin.offset === badOffset),
      'the bad hold dead-lettered',
    );
    expect(JSON.parse(letter!.value).reason).toMatchObject({
      code: 'schema_violation',
      field: '/value',
    });
    await eventually(
      async () => (await stack.count(`police_hold WHERE id = $1`, [holdId])) === 1,
      'the hold stored',
    );

    const [held] = await route(referral('https://held.hoster.test/x'));
    expect(held!.decisions[0]).toMatchObject({
      rule: 'police_hold',
      recipients: ['nl-police'],
      held: true,
      removalCountries: ['NL'],
    });
    expect((held!.decisions[0]!.evidence.facts as { holds: unknown[] }).holds).toEqual([
      { id: holdId, until: expect.any(String), kind: 'domain', reference: 'OPS-2026-77' },
    ]);
    await delivered('nl-police', held!.referral.id);
    expect(sentTo('nl-hotline', held!.referral.id)).toHaveLength(0);

    await stack.produce(stack.topics.holdsIn, [
      JSON.stringify({
        schema: 'wissel.police-hold/1',
        action: 'lift',
        id: holdId,
        liftedBy: 'nl-police',
      }),
    ]);
    // The removal that waited goes out now; the police are not told twice.
    await delivered('nl-hotline', held!.referral.id);
    const record = await router.get(GetDecisionRecordUseCase).execute(held!.referral.id);
    expect(record.decisions.map((d) => [d.cause, d.rule, d.held])).toEqual([
      ['hold_lifted', 'hosted_at_home', false],
      ['intake', 'police_hold', true],
    ]);
    expect(record.decisions[0]!.supersedesId).toBe(record.decisions[1]!.id);
    expect(record.dispatches.map((d) => d.recipientId).sort()).toEqual(['nl-hotline', 'nl-police']);
  });

  it('re-routes a CDN case when an operator discloses the origin', async () => {
    const [cdn] = await route(referral('https://other.cdn.test/x.jpg'));
    expect(cdn!.decisions[0]).toMatchObject({ rule: 'behind_cdn', recipients: ['review'] });

    const { rerouted } = await router.get(DiscloseOriginUseCase).execute({
      host: 'other.cdn.test',
      originIps: ['51.91.10.10'],
      disclosedBy: 'operator:test',
    });
    expect(rerouted).toEqual([
      {
        referralId: cdn!.referral.id,
        decisionId: expect.any(String),
        rule: 'hosted_abroad_partner',
        newRecipients: ['fr-hotline'],
      },
    ]);
    await delivered('fr-hotline', cdn!.referral.id);
    const record = await router.get(GetDecisionRecordUseCase).execute(cdn!.referral.id);
    expect(record.decisions.map((d) => [d.cause, d.rule])).toEqual([
      ['origin_disclosure', 'hosted_abroad_partner'],
      ['intake', 'behind_cdn'],
    ]);
    expect(record.decisions[0]!.evidence.hosting).toEqual([
      expect.objectContaining({
        status: 'located',
        basis: 'disclosure',
        countries: ['FR'],
        cdn: 'Cloudflare',
      }),
    ]);
    // A later referral of the same host goes straight to the origin's jurisdiction.
    const [later] = await route(referral('https://other.cdn.test/y.jpg'));
    expect(later!.decisions[0]).toMatchObject({ recipients: ['fr-hotline'] });
  });

  it('is not ready, and consumes nothing, while the geo data cannot be opened', async () => {
    const broken = await stack.start('router', {
      GEO_ASN_DB: '/nonexistent/asn-ipv4.csv',
      ROUTER_GROUP_ID: `${stack.prefix}broken-router`,
    });
    const res = await eventually(async () => {
      const r = await request(broken.getHttpServer()).get('/health/ready');
      return r.body.error?.geo_data?.error ? r : undefined;
    }, 'the geo data check to report the failure');
    expect(res.status).toBe(503);
    expect(res.body.error.geo_data.error).toContain('/nonexistent/asn-ipv4.csv');
    expect(res.body.error.kafka_consumers.status).toBe('down');
    // The working router's readiness names the data sets it uses, with their build dates.
    const ok = await request(router.getHttpServer()).get('/health/ready').expect(200);
    expect(ok.body.info.geo_data.dataSets).toContainEqual({
      name: 'asn-ipv4.csv',
      builtAt: PACKAGE_BUILD,
    });
  });
});
