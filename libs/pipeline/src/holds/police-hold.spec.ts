import { type CanonicalReferral, urlKey } from '@wissel/domain';
import { type PoliceHoldRow } from '@wissel/persistence';
import { holdKeys, matchHolds } from './match-holds';
import { holdValue, PoliceHoldInvalidError } from './police-hold';
import { parsePoliceHoldMessage } from './police-hold-message';

const referral = {
  schema: 'wissel.referral/1',
  source: { kind: 'police', organisation: 'x' },
  sourceRef: { system: 'X', id: '1' },
  reportedAt: '2026-12-01T00:00:00Z',
  via: [],
  incident: { type: 'csam', priority: 'normal' },
  locators: [{ kind: 'web_page', url: 'https://img.host.example/a.jpg' }],
  media: [{ hashes: { md5: 'AB'.repeat(16) } }],
  persons: [],
} as unknown as CanonicalReferral;

const hold = (kind: PoliceHoldRow['kind'], value: string): PoliceHoldRow => ({
  id: `${kind}-hold`,
  kind,
  value,
  reason: null,
  reference: 'OPS-1',
  setBy: 'officer',
  createdAt: new Date('2026-12-01T00:00:00Z'),
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  liftedAt: null,
  liftedBy: null,
});

describe('holdValue', () => {
  it('stores what matching looks up', () => {
    expect(holdValue('url', 'HTTPS://Img.Host.example:443/a.jpg')).toEqual({
      kind: 'url',
      value: urlKey('https://img.host.example/a.jpg'),
    });
    expect(holdValue('domain', '.Host.Example.')).toEqual({
      kind: 'domain',
      value: 'host.example',
    });
    expect(holdValue('domain', 'bücher.example')).toEqual({
      kind: 'domain',
      value: 'xn--bcher-kva.example',
    });
    expect(holdValue('hash', 'MD5:' + 'AB'.repeat(16))).toEqual({
      kind: 'hash',
      value: `md5:${'ab'.repeat(16)}`,
    });
    expect(holdValue('asn', 'AS60781')).toEqual({ kind: 'asn', value: '60781' });
  });

  it.each([
    ['url', 'ftp://x.example/'],
    ['domain', 'not a domain'],
    ['hash', 'md5:xyz'],
    ['asn', 'AS0'],
    ['colour', 'blue'],
  ])('refuses a %s hold on %s with a typed error', (kind, value) => {
    expect(() => holdValue(kind, value)).toThrow(PoliceHoldInvalidError);
  });
});

describe('matching holds', () => {
  const traces = [
    {
      host: 'img.host.example',
      outcome: 'resolved',
      addresses: [{ ip: '95.211.0.1', family: 4 as const, range: 'unicast', asn: 60781 }],
      dataSets: [],
      tracedAt: '2026-12-01T00:00:00Z',
    },
  ];
  const keys = holdKeys(referral, traces);

  it('matches a hold on the URL, a domain suffix, a media hash or the AS', () => {
    const holds = [
      hold('url', urlKey('https://img.host.example/a.jpg')),
      hold('domain', 'host.example'),
      hold('hash', `md5:${'ab'.repeat(16)}`),
      hold('asn', '60781'),
    ];
    expect(matchHolds(keys, holds).map((h) => h.id)).toEqual([
      'url-hold',
      'domain-hold',
      'hash-hold',
      'asn-hold',
    ]);
    expect(matchHolds(keys, holds)[0]).toEqual({
      id: 'url-hold',
      until: '2027-01-01T00:00:00.000Z',
      kind: 'url',
      reference: 'OPS-1',
    });
  });

  it('does not match another domain that merely ends in the same letters, or another AS', () => {
    expect(matchHolds(keys, [hold('domain', 'st.example'), hold('asn', '24940')])).toEqual([]);
  });
});

describe('parsePoliceHoldMessage', () => {
  const id = '6f1c1b7e-3a52-4c55-9d7e-2b1f0c6b8a11';
  const parse = (value: unknown) => parsePoliceHoldMessage(Buffer.from(JSON.stringify(value)));

  it('reads set and lift messages', () => {
    const set = parse({
      schema: 'wissel.police-hold/1',
      action: 'set',
      id,
      kind: 'domain',
      value: 'host.example',
      setBy: 'nl-police',
      expiresAt: '2027-01-01T00:00:00Z',
    });
    expect(set).toMatchObject({
      ok: true,
      value: { action: 'set', command: { id, kind: 'domain' } },
    });
    expect(parse({ schema: 'wissel.police-hold/1', action: 'lift', id, liftedBy: 'x' })).toEqual({
      ok: true,
      value: { action: 'lift', id, liftedBy: 'x' },
    });
  });

  it.each([
    ['not JSON', Buffer.from('{'), 'invalid_json', undefined],
    [
      'another schema',
      { schema: 'x', action: 'lift', id, liftedBy: 'x' },
      'unsupported_schema',
      '/schema',
    ],
    [
      'an id that is not a UUID',
      { schema: 'wissel.police-hold/1', action: 'lift', id: '1', liftedBy: 'x' },
      'schema_violation',
      '/id',
    ],
    [
      'an expiry without a zone',
      {
        schema: 'wissel.police-hold/1',
        action: 'set',
        id,
        kind: 'asn',
        value: '1',
        setBy: 'x',
        expiresAt: '2027-01-01T00:00:00',
      },
      'schema_violation',
      '/expiresAt',
    ],
    [
      // PostgreSQL refuses U+0000: stored, it would fail the holds batch on every retry.
      'a reason with U+0000',
      {
        schema: 'wissel.police-hold/1',
        action: 'set',
        id,
        kind: 'asn',
        value: '1',
        setBy: 'x',
        expiresAt: '2027-01-01T00:00:00Z',
        reason: 'op\u0000eration',
      },
      'schema_violation',
      '/reason',
    ],
    [
      'a lifter with a lone surrogate',
      { schema: 'wissel.police-hold/1', action: 'lift', id, liftedBy: 'x\udc00' },
      'schema_violation',
      '/liftedBy',
    ],
  ])('rejects %s, naming the field', (_name, value, code, field) => {
    const result = Buffer.isBuffer(value) ? parsePoliceHoldMessage(value) : parse(value);
    expect(result).toMatchObject({ ok: false, rejection: { code, ...(field ? { field } : {}) } });
  });
});
