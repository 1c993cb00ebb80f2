import { type AddressFacts, type HostTraceFacts, type RoutingRules } from '@wissel/domain';
import { dispatchHoster, routeHosts } from './dispatch-hosting';
import { movedHosts } from './host-moved';
import { noticeRow } from './hoster-monitor.usecase';
import { recipientsActedFor } from './partner-recipients';
import { relocatedReferral } from './relocate';
import { parseStatusMessage } from './status-message';

const leaseweb: AddressFacts = {
  ip: '95.211.184.10',
  family: 4,
  range: 'unicast',
  geoCountry: 'NL',
  registeredCountry: 'NL',
  asn: 60781,
  asOrganisation: 'LeaseWeb Netherlands B.V.',
};
const hetzner: AddressFacts = {
  ip: '88.198.10.10',
  family: 4,
  range: 'unicast',
  geoCountry: 'DE',
  asn: 24940,
  asOrganisation: 'Hetzner Online GmbH',
};
const trace = (host: string, ...addresses: AddressFacts[]): HostTraceFacts => ({
  host,
  outcome: addresses.length > 0 ? 'resolved' : 'nxdomain',
  addresses,
  dataSets: [],
  tracedAt: '2026-12-01T00:00:00.000Z',
});
const evidence = (...traces: HostTraceFacts[]) => ({
  hosting: traces.map((t, i) => ({ locator: i, host: t.host, status: 'located' })),
  facts: { hosts: traces },
});

describe('dispatchHoster', () => {
  it("takes the AS of the route's host, preferring an address in the route's country", () => {
    const e = evidence(trace('a.example', hetzner, leaseweb), trace('b.example', hetzner));
    expect(dispatchHoster(e, [{ country: 'NL', locators: [0] }])).toEqual({
      hostingProvider: 'LeaseWeb Netherlands B.V.',
      asn: 60781,
    });
    expect(dispatchHoster(e, [{ country: 'DE', locators: [1] }])).toEqual({
      hostingProvider: 'Hetzner Online GmbH',
      asn: 24940,
    });
    expect(routeHosts(e, [{ locators: [1] }])).toEqual(['b.example']);
  });

  it('answers nulls when no AS was traced (an override, a hint) and skips private addresses', () => {
    const lan: AddressFacts = { ip: '10.0.0.1', family: 4, range: 'private', asn: 1 };
    expect(dispatchHoster(evidence(trace('a.example', lan)), [{ locators: [0] }])).toEqual({
      hostingProvider: null,
      asn: null,
    });
    expect(dispatchHoster({}, [])).toEqual({ hostingProvider: null, asn: null });
  });
});

describe('movedHosts', () => {
  it('finds a host now placed in another country and AS only', () => {
    const stored = [trace('a.example', leaseweb), trace('b.example', leaseweb)];
    expect(
      movedHosts(stored, [trace('a.example', hetzner), trace('b.example', hetzner, leaseweb)]),
    ).toEqual(['a.example']);
  });

  it('does not call a host that no longer resolves, or was never placed, moved', () => {
    expect(movedHosts([trace('a.example', leaseweb)], [trace('a.example')])).toEqual([]);
    expect(movedHosts([trace('a.example')], [trace('a.example', hetzner)])).toEqual([]);
  });
});

describe('relocatedReferral', () => {
  const referral = {
    locators: [
      { kind: 'web_page', url: 'https://old.example/a/b.jpg?x=1' },
      { kind: 'media_file', url: 'https://old.example/c.jpg' },
      { kind: 'web_page', url: 'https://other.example/' },
    ],
  } as never;

  it('puts a new URL in place of the moved locators, once', () => {
    expect(
      relocatedReferral(referral, [0, 1], 'https://new.example/z.jpg').locators.map((l) => l.url),
    ).toEqual(['https://new.example/z.jpg', 'https://other.example/']);
  });

  it('moves each locator to a new host, keeping its path', () => {
    expect(relocatedReferral(referral, [0, 1], 'new.example').locators.map((l) => l.url)).toEqual([
      'https://new.example/a/b.jpg?x=1',
      'https://new.example/c.jpg',
      'https://other.example/',
    ]);
  });

  it('adds the new location when no locator of the dispatch has a URL', () => {
    expect(relocatedReferral(referral, [], 'new.example').locators.at(-1)).toEqual({
      kind: 'web_page',
      url: 'http://new.example/',
    });
  });
});

describe('parseStatusMessage', () => {
  const valid = {
    dispatchId: '5f0c4bde-7c3f-4f0e-9f57-0e1f6a3f8a11',
    recipient: 'nl-hotline',
    kind: 'removed',
    at: '2026-12-01T10:00:00+01:00',
  };
  const parse = (value: string | Buffer | null) =>
    parseStatusMessage(typeof value === 'string' ? Buffer.from(value) : value, 1024);

  it('reads one ack', () => {
    const result = parse(JSON.stringify(valid));
    expect(result).toMatchObject({ ok: true, ack: { kind: 'removed', recipient: 'nl-hotline' } });
  });

  it.each([
    ['an empty message', null, { code: 'payload_empty' }],
    ['a large one', Buffer.alloc(2048, 32), { code: 'payload_too_large' }],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), { code: 'invalid_encoding' }],
    ['not JSON', '{', { code: 'invalid_json' }],
    ['an array', '[]', { code: 'invalid_json' }],
    [
      'an unknown kind',
      JSON.stringify({ ...valid, kind: 'deleted' }),
      { code: 'schema_violation', field: '/kind' },
    ],
    [
      'a moved ack without location',
      JSON.stringify({ ...valid, kind: 'moved' }),
      { code: 'schema_violation', field: '/newLocation' },
    ],
  ])('dead-letters %s with a reason', (_name, value, reason) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection).toMatchObject(reason);
  });

  it('never echoes a location in the reason', () => {
    const result = parse(
      JSON.stringify({ ...valid, kind: 'moved', newLocation: 'ftp://secret.example/x' }),
    );
    expect(JSON.stringify(result)).not.toContain('secret.example');
  });
});

describe('recipientsActedFor', () => {
  const rules = {
    recipients: new Map([
      ['de-hotline', { id: 'de-hotline', kind: 'partner_hotline', hopIds: ['eco.de'] }],
      ['gb-hotline', { id: 'gb-hotline', kind: 'partner_hotline', hopIds: ['iwf.gb', 'IWF'] }],
      ['nl-hotline', { id: 'nl-hotline', kind: 'national_hotline', hopIds: [] }],
    ]),
  } as unknown as RoutingRules;

  it('maps a partner to the recipients whose id or hop id it is', () => {
    expect(recipientsActedFor(rules, 'eco.de')).toEqual(new Set(['de-hotline']));
    expect(recipientsActedFor(rules, 'iwf')).toEqual(new Set(['gb-hotline']));
    expect(recipientsActedFor(rules, 'nl-hotline')).toEqual(new Set(['nl-hotline']));
    expect(recipientsActedFor(rules, 'someone')).toEqual(new Set());
  });
});

describe('noticeRow', () => {
  const base = {
    hostingProvider: 'X',
    asn: '64500',
    noticeSentAt: new Date('2026-12-01T00:00:00Z'),
  };
  const ended = new Date('2026-12-01T05:00:00Z');

  it('counts a removal, an ending without removal, and an open notice', () => {
    expect(noticeRow({ ...base, status: 'removed', endedAt: ended })).toEqual({
      hostingProvider: 'X',
      asn: 64500,
      noticeSentAt: base.noticeSentAt,
      removedAt: ended,
    });
    expect(noticeRow({ ...base, status: 'moved', endedAt: ended })).toMatchObject({
      endedWithoutRemovalAt: ended,
    });
    const open = noticeRow({ ...base, status: 'escalated', endedAt: null });
    expect(open.removedAt).toBeUndefined();
    expect(open.endedWithoutRemovalAt).toBeUndefined();
  });
});
