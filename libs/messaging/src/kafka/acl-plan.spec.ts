import { Topics } from '../topics';
import {
  formatAclTable,
  parseKafkaPartners,
  planKafkaAcls,
  type AclPlanInput,
  type AclRule,
} from './acl-plan';

const input = (over: Partial<AclPlanInput> = {}): AclPlanInput => ({
  topics: new Topics('p.'),
  recipients: [
    { id: 'nl-police', kind: 'domestic_police', delivery: 'kafka' },
    { id: 'nl-hotline', kind: 'national_hotline', delivery: 'kafka' },
    { id: 'fr-hotline', kind: 'partner_hotline', delivery: 'webhook' },
  ],
  partners: [
    { id: 'ncmec', user: 'ncmec', inbound: ['cybertip'], systems: ['NCMEC'], recipients: [] },
    {
      id: 'iwf',
      user: 'iwf-k',
      inbound: ['canonical', 'urgent'],
      systems: ['IWF'],
      recipients: [],
    },
  ],
  users: { router: 'wissel-router', dispatcher: 'wissel-dispatcher', gateway: 'wissel-gateway' },
  groups: { router: 'wissel-router', status: 'wissel-status' },
  prefix: 'p.',
  ...over,
});

const of = (rules: AclRule[], user: string) =>
  rules
    .filter((r) => r.principal === `User:${user}`)
    .map((r) => `${r.operation} ${r.resource} ${r.name}${r.pattern === 'prefixed' ? '*' : ''}`)
    .sort();

describe('planKafkaAcls', () => {
  const plan = planKafkaAcls(input());

  it('lets a recipient read only its own topic and groups, and write acks', () => {
    expect(of(plan, 'nl-hotline')).toEqual([
      'describe topic p.referrals.out.nl-hotline.v1',
      'describe topic p.referrals.status.v1',
      'read group p.nl-hotline.*',
      'read topic p.referrals.out.nl-hotline.v1',
      'write topic p.referrals.status.v1',
    ]);
    // No recipient may read anything but its own topic.
    const reads = plan.filter(
      (r) => r.operation === 'read' && r.resource === 'topic' && r.name.includes('.out.'),
    );
    for (const r of reads) {
      expect(r.name).toBe(`p.referrals.out.${r.principal.slice('User:'.length)}.v1`);
    }
  });

  it('gives the domestic police the holds topic, and a webhook recipient nothing', () => {
    expect(of(plan, 'nl-police')).toContain('write topic p.referrals.holds.v1');
    expect(of(plan, 'nl-hotline')).not.toContain('write topic p.referrals.holds.v1');
    expect(of(plan, 'fr-hotline')).toEqual([]);
  });

  it('lets a partner write only its own topic on each of its lanes, never a shared lane', () => {
    expect(of(plan, 'ncmec')).toEqual([
      'describe topic p.referrals.in.cybertip.ncmec.v1',
      'write topic p.referrals.in.cybertip.ncmec.v1',
    ]);
    expect(of(plan, 'iwf-k')).toEqual([
      'describe topic p.referrals.in.canonical.iwf.v1',
      'describe topic p.referrals.in.urgent.iwf.v1',
      'write topic p.referrals.in.canonical.iwf.v1',
      'write topic p.referrals.in.urgent.iwf.v1',
    ]);
    // No partner writes a shared lane, nor a topic of another partner.
    for (const r of plan.filter((x) => /^User:(ncmec|iwf-k)$/.test(x.principal))) {
      expect(r.name).toMatch(r.principal === 'User:ncmec' ? /\.ncmec\.v1$/ : /\.iwf\.v1$/);
    }
  });

  it('gives the apps exactly their topics and groups', () => {
    expect(of(plan, 'wissel-gateway')).toEqual([
      'describe topic p.referrals.in.canonical.v1',
      'describe topic p.referrals.in.iccam.v1',
      'describe topic p.referrals.in.urgent.v1',
      'describe topic p.referrals.in.xarf.v1',
      'write topic p.referrals.in.canonical.v1',
      'write topic p.referrals.in.iccam.v1',
      'write topic p.referrals.in.urgent.v1',
      'write topic p.referrals.in.xarf.v1',
    ]);
    const router = of(plan, 'wissel-router');
    expect(router).toContain('read group wissel-router*');
    expect(router).toContain('write topic p.referrals.dlq.v1');
    expect(router.filter((r) => r.startsWith('read topic'))).toEqual([
      'read topic p.referrals.holds.v1',
      'read topic p.referrals.in.canonical.iwf.v1',
      'read topic p.referrals.in.canonical.v1',
      'read topic p.referrals.in.cybertip.ncmec.v1',
      'read topic p.referrals.in.cybertip.v1',
      'read topic p.referrals.in.iccam.v1',
      'read topic p.referrals.in.urgent.iwf.v1',
      'read topic p.referrals.in.urgent.v1',
      'read topic p.referrals.in.xarf.v1',
      'read topic p.referrals.known-hashes.v1',
    ]);
    // Literal grants only for the router's topics: nothing it was not named.
    expect(router.filter((r) => r.endsWith('*'))).toEqual(['read group wissel-router*']);
    expect(router.some((r) => r.startsWith('write topic p.referrals.out.'))).toBe(false);
    const dispatcher = of(plan, 'wissel-dispatcher');
    // Webhook recipients too: lifecycle messages and readiness name every recipient's topic.
    expect(dispatcher).toContain('write topic p.referrals.out.fr-hotline.v1');
    expect(dispatcher).toContain('read topic p.referrals.status.v1');
    expect(dispatcher).toContain('read group wissel-status');
    expect(dispatcher.some((r) => r.startsWith('read topic p.referrals.in.'))).toBe(false);
  });

  it('has no duplicates, and merges the rights of one user that is partner and recipient', () => {
    const both = planKafkaAcls(
      input({
        partners: [
          {
            id: 'offlimits',
            user: 'nl-hotline',
            inbound: ['canonical'],
            systems: ['OL'],
            recipients: [],
          },
        ],
      }),
    );
    const keys = both.map((r) => [r.principal, r.resource, r.name, r.operation].join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(of(both, 'nl-hotline')).toContain('write topic p.referrals.in.canonical.offlimits.v1');
  });

  it('refuses a recipient or partner named like an app user', () => {
    expect(() =>
      planKafkaAcls(
        input({
          partners: [
            { id: 'x', user: 'wissel-router', inbound: ['xarf'], systems: ['X'], recipients: [] },
          ],
        }),
      ),
    ).toThrow(/app users/);
  });

  it('prints one row per principal and resource', () => {
    const table = formatAclTable(plan);
    expect(table).toMatch(
      /User:ncmec\s+topic\s+p\.referrals\.in\.cybertip\.ncmec\.v1\s+WRITE,DESCRIBE/,
    );
    expect(table).toMatch(/User:nl-hotline\s+group\s+p\.nl-hotline\.\*\s+READ/);
  });
});

describe('Topics.partnerIn', () => {
  it('names a partner topic per lane and refuses ids unfit for a topic name', () => {
    const topics = new Topics('p.');
    expect(topics.partnerIn('cybertip', 'ncmec')).toBe('p.referrals.in.cybertip.ncmec.v1');
    for (const bad of ['', 'a.b', 'a_b', 'A', '../x', 'a b']) {
      expect(() => topics.partnerIn('xarf', bad)).toThrow(/not usable in a topic name/);
    }
    expect(topics.all([], [{ id: 'iwf', inbound: ['xarf', 'urgent'] }])).toEqual(
      expect.arrayContaining(['p.referrals.in.xarf.iwf.v1', 'p.referrals.in.urgent.iwf.v1']),
    );
  });
});

describe('parseKafkaPartners', () => {
  it('reads partners with their lanes, source systems and users', () => {
    expect(
      parseKafkaPartners(
        'partners:\n  ncmec: { inbound: [cybertip], systems: [NCMEC], recipients: [us-centre] }\n' +
          '  iwf: { inbound: [canonical, urgent, canonical], systems: [IWF, IWF-2], user: iwf-k }\n',
      ),
    ).toEqual([
      {
        id: 'ncmec',
        user: 'ncmec',
        inbound: ['cybertip'],
        systems: ['NCMEC'],
        recipients: ['us-centre'],
      },
      {
        id: 'iwf',
        user: 'iwf-k',
        inbound: ['canonical', 'urgent'],
        systems: ['IWF', 'IWF-2'],
        recipients: [],
      },
    ]);
    expect(parseKafkaPartners('')).toEqual([]);
  });

  it.each([
    ['partners:\n  x: { inbound: [status], systems: [X] }\n', /inbound must list/],
    [
      'partners:\n  x: { inbound: [xarf], systems: [X], recipients: gb-hotline }\n',
      /recipients must list/,
    ],
    ['partners:\n  x: { inbound: [], systems: [X] }\n', /inbound must list/],
    ['partners:\n  x: { inbound: [xarf], systems: [X], topics: [a] }\n', /unknown keys topics/],
    ['partners:\n  X!: { inbound: [xarf], systems: [X] }\n', /invalid/],
    // Not topic-safe: a "." would make referrals.in.<lane>.<id>.v1 ambiguous.
    ['partners:\n  a.b: { inbound: [xarf], systems: [X] }\n', /invalid/],
    ['partners:\n  x: { inbound: [xarf], systems: [X], user: "a b" }\n', /user must be/],
    ['partners:\n  x: { inbound: [xarf] }\n', /systems must list/],
    ['partners:\n  x: { inbound: [xarf], systems: [] }\n', /systems must list/],
    ['partners:\n  x: { inbound: [xarf], systems: [""] }\n', /systems must list/],
    [
      'partners:\n  x: { inbound: [xarf], systems: [S] }\n  y: { inbound: [xarf], systems: [S] }\n',
      /system "S" already belongs to partner x/,
    ],
    ['partners: [a]\n', /mapping/],
  ])('refuses %j', (text, error) => {
    expect(() => parseKafkaPartners(text)).toThrow(error);
  });
});
