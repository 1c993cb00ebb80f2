import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { parseCyberTipReferral } from './parse-cybertip';

/**
 * What the parser accepts, NCMEC's XSD accepts: documents built from the XSD's element
 * sequences, some broken on purpose (a required element dropped, a value of the wrong
 * type), are parsed; the <report> and every <fileDetails> of each accepted one are then
 * validated against the vendored cyber_tipline.xsd with xmllint.
 */

const XSD = {
  fileName: 'cyber_tipline.xsd',
  contents: readFileSync(join(__dirname, 'schema/cyber_tipline.xsd'), 'utf8'),
};
const FIXTURES = join(__dirname, '../../../../test/fixtures/cybertip');
const LIMIT = 1024 * 1024;

async function xsdErrors(documents: string[]): Promise<string[]> {
  if (documents.length === 0) return [];
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `doc-${i}.xml`, contents })),
    schema: [XSD],
  });
  return result.errors.map((e) => e.rawMessage);
}

const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const digits = fc.bigInt({ min: 1n, max: 9_999_999_999n }).map(String);
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const zoned = fc.constantFrom('2026-11-19T18:44:00Z', '2026-11-19T18:44:00-05:00');
const anyTime = fc.constantFrom(
  '2026-11-19T18:44:00Z',
  '2026-11-19T18:44:00+01:00',
  '2026-11-19T18:44:00',
);
const host = fc.constantFrom('files.example', 'xn--bcher-kva.example', 'img.host.example');
const url = fc
  .tuple(fc.constantFrom('https://', 'http://', '', '//', 'mailto:'), host, word)
  .map(([scheme, h, path]) => `${scheme}${h}/${path}`);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const el = (name: string, value: string | undefined, attrs = '') =>
  value === undefined ? '' : `<${name}${attrs}>${value}</${name}>`;
const many = (name: string, values: string[]) => values.map((v) => el(name, v)).join('');

const INCIDENT_TYPES = [
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
];

const ipCapture = fc
  .record({
    ip: fc.constantFrom('198.51.100.7', '2001:db8::1', '5.79.64.10', 'not-an-ip'),
    event: opt(fc.constantFrom('Login', 'Upload', 'Registration')),
    at: opt(anyTime),
    proxy: opt(fc.boolean()),
    port: opt(fc.integer({ min: 1, max: 65535 })),
  })
  .map(
    (e) =>
      `<ipCaptureEvent>${el('ipAddress', e.ip)}${el('eventName', e.event)}${el('dateTime', e.at)}${el('possibleProxy', e.proxy?.toString())}${el('port', e.port?.toString())}</ipCaptureEvent>`,
  );

const deviceId = fc
  .tuple(fc.constantFrom('IMEI', 'IDFA'), hex(16))
  .map(
    ([type, value]) => `<deviceId><idType>${type}</idType><idValue>${value}</idValue></deviceId>`,
  );

const location = opt(fc.constantFrom('NL', 'DE', 'US', 'A1', 'AP')).map((c) =>
  c === undefined ? '' : `<estimatedLocation><countryCode>${c}</countryCode></estimatedLocation>`,
);

const reported = fc
  .record({
    id: opt(word),
    screenName: opt(word),
    displayNames: fc.array(word, { maxLength: 2 }),
    profiles: fc.array(url, { maxLength: 2 }),
    ips: fc.array(ipCapture, { maxLength: 2 }),
    devices: fc.array(deviceId, { maxLength: 1 }),
    prior: fc.array(digits, { maxLength: 1 }),
    disabled: opt(fc.boolean()),
    location,
    associated: fc.array(fc.tuple(word, fc.array(url, { maxLength: 1 })), { maxLength: 1 }),
  })
  .map(
    (p) =>
      `<personOrUserReported>${el('espIdentifier', p.id)}${el('screenName', p.screenName)}${many('displayName', p.displayNames)}${many('profileUrl', p.profiles)}${p.ips.join('')}${p.devices.join('')}${many('priorCTReports', p.prior)}${el('accountPermanentlyDisabled', p.disabled?.toString())}${p.location}${p.associated
        .map(
          ([id, urls]) =>
            `<associatedAccount type="Linked"><espIdentifier>${id}</espIdentifier>${many('profileUrl', urls)}</associatedAccount>`,
        )
        .join('')}</personOrUserReported>`,
  );

const incident = fc.oneof(
  fc
    .tuple(opt(fc.boolean()), fc.array(url, { maxLength: 3 }))
    .map(
      ([third, urls]) =>
        `<webPageIncident${third === undefined ? '' : ` thirdPartyHostedContent="${third}"`}>${many('url', urls)}</webPageIncident>`,
    ),
  word.map((c) => `<chatImIncident><chatClient>${c}</chatClient></chatImIncident>`),
  fc.constant('<emailIncident><emailAddress>x@mail.example</emailAddress></emailIncident>'),
  fc
    .array(ipCapture, { maxLength: 1 })
    .map((ips) => `<peer2peerIncident>${ips.join('')}</peer2peerIncident>`),
  fc.constant('<cellPhoneIncident/>'),
  fc.constant('<nonInternetIncident/>'),
);

const file = (reportId: string) =>
  fc
    .record({
      fileId: word,
      location: opt(url),
      viewed: opt(fc.boolean()),
      annotation: opt(
        fc.constantFrom(
          '<potentialMeme>true</potentialMeme>',
          '<fileAnnotations><generativeAi>true</generativeAi></fileAnnotations>',
        ),
      ),
      classification: opt(fc.constantFrom('A1', 'A2', 'B1', 'B2')),
      hashes: fc.array(
        fc.oneof(
          hex(32).map((h) => `<originalFileHash hashType="MD5">${h}</originalFileHash>`),
          hex(64).map((h) => `<originalFileHash hashType="SHA256">${h}</originalFileHash>`),
        ),
        { maxLength: 2 },
      ),
      upload: opt(ipCapture),
      pdq: opt(fc.tuple(fc.constantFrom('PDQ', 'pdq', 'pdq_hash'), hex(64))),
    })
    .map(
      (f) =>
        `<fileDetails><reportId>${reportId}</reportId>${el('fileId', f.fileId)}${el('locationOfFile', f.location)}${el('fileViewedByEsp', f.viewed?.toString())}${f.annotation ?? ''}${el('industryClassification', f.classification)}${f.hashes.join('')}${f.upload ?? ''}${f.pdq ? `<details type="HASH"><nameValuePair><name>${f.pdq[0]}</name><value>${f.pdq[1]}</value></nameValuePair></details>` : ''}</fileDetails>`,
    );

/** Breaks a report or its files the way the XSD forbids; the parser must refuse each. */
const BREAKERS: Array<[string, (xml: string) => string]> = [
  ['no incident type', (x) => x.replace(/<incidentType>[^<]*<\/incidentType>/, '')],
  ['unknown incident type', (x) => x.replace(/<incidentType>[^<]*</, '<incidentType>CSAM<')],
  ['no incident time', (x) => x.replace(/<incidentDateTime>[^<]*<\/incidentDateTime>/, '')],
  ['bad incident time', (x) => x.replace(/<incidentDateTime>[^<]*</, '<incidentDateTime>soon<')],
  ['no reporter', (x) => x.replace(/<reporter>.*<\/reporter>/, '')],
  ['empty internetDetails', (x) => x.replace('<reporter>', '<internetDetails/><reporter>')],
  [
    'batched without reason',
    (x) => x.replace('<incidentSummary>', '<batchedReport/><incidentSummary>'),
  ],
  ['file without fileId', (x) => x.replace(/<fileId>[^<]*<\/fileId>/, '')],
  [
    'file reportId not a number',
    (x) => x.replace(/<fileDetails><reportId>[0-9]+</, '<fileDetails><reportId>r1<'),
  ],
  ['hash without type', (x) => x.replace(/ hashType="[A-Z0-9]+"/, '')],
];

interface Generated {
  xml: string;
  parts: string[];
  breaker?: string;
}

const generated: fc.Arbitrary<Generated> = fc
  .record({
    batched: fc.boolean(),
    type: fc.constantFrom(...INCIDENT_TYPES),
    platform: opt(word),
    escalate: opt(fc.constantFrom('', 'child at risk')),
    sextortion: fc.boolean(),
    time: zoned,
    incidents: fc.array(incident, { minLength: 0, maxLength: 3 }),
    reported: fc.array(reported, { maxLength: 2 }),
    victims: fc.array(location, { maxLength: 1 }),
    envelope: fc.boolean(),
    envelopeId: opt(fc.oneof(digits, word)),
    reportId: digits,
    // About one in four documents is broken.
    breaker: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: BREAKERS.length - 1 }), weight: 1 },
    ),
  })
  .chain((g) =>
    fc.array(file(g.reportId), { maxLength: g.envelope ? 3 : 0 }).map((files) => {
      const report =
        `<report>${g.batched ? '<batchedReport reason="VIRAL_POTENTIAL_MEME"/>' : ''}` +
        `<incidentSummary><incidentType>${g.type}</incidentType>${el('platform', g.platform)}` +
        `${el('escalateToHighPriority', g.escalate)}${g.sextortion ? '<reportAnnotations><sextortion>true</sextortion></reportAnnotations>' : ''}` +
        `<incidentDateTime>${g.time}</incidentDateTime></incidentSummary>` +
        g.incidents.map((i) => `<internetDetails>${i}</internetDetails>`).join('') +
        `<reporter><reportingPerson><email>safety@esp.example</email></reportingPerson></reporter>` +
        g.reported.join('') +
        g.victims.map((l) => `<victim><victimPerson/>${l}</victim>`).join('') +
        `</report>`;
      const breaker = g.breaker === undefined ? undefined : BREAKERS[g.breaker];
      const parts = [report, ...files].map((part, i) =>
        breaker && (i === 0 || breaker[0].startsWith('file') || breaker[0].startsWith('hash'))
          ? breaker[1](part)
          : part,
      );
      const changed = parts.some((part, i) => part !== [report, ...files][i]);
      const xml = g.envelope
        ? `<cyberTiplineReferral>${el('reportId', g.envelopeId)}<dateReceived>2026-11-20T08:00:00Z</dateReceived>${parts.join('')}</cyberTiplineReferral>`
        : (parts[0] ?? '');
      return { xml, parts, breaker: changed ? breaker?.[0] : undefined };
    }),
  );

describe("CyberTipline documents against NCMEC's XSD", () => {
  it("accepts only documents whose report and files NCMEC's XSD accepts", async () => {
    const samples = fc.sample(generated, { numRuns: 500, seed: 20261119 });
    const accepted: Generated[] = [];
    let refusedBroken = 0;
    for (const sample of samples) {
      const result = parseCyberTipReferral(Buffer.from(sample.xml, 'utf8'), LIMIT);
      if (result.ok) accepted.push(sample);
      else if (sample.breaker !== undefined) refusedBroken += 1;
    }
    const errors = await xsdErrors(accepted.flatMap((s) => s.parts));
    expect(errors).toEqual([]);
    // Enough accepted documents, and enough broken ones refused, for this to mean something.
    expect(accepted.length).toBeGreaterThan(250);
    expect(refusedBroken).toBeGreaterThan(60);
  }, 60_000);

  it('the broken documents really are invalid for the XSD (the oracle can fail)', async () => {
    const broken = fc
      .sample(generated, { numRuns: 200, seed: 7 })
      .filter((s) => s.breaker !== undefined)
      .slice(0, 8);
    expect(broken.length).toBe(8);
    for (const sample of broken) {
      expect(await xsdErrors(sample.parts)).not.toEqual([]);
    }
  }, 60_000);

  it("every fixture's report and files are valid per the XSD", async () => {
    const names = readdirSync(FIXTURES).filter(
      (name) =>
        name.endsWith('.xml') && !name.startsWith('hostile-') && name !== 'pseudo-countries.xml',
    );
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const xml = readFileSync(join(FIXTURES, name), 'utf8');
      // Past the leading comment, which names the elements too.
      const body = xml.slice(xml.indexOf('-->') + 3);
      const parts = [
        ...(body.match(/<report>[\s\S]*<\/report>/g) ?? []),
        ...(body.match(/<fileDetails>[\s\S]*?<\/fileDetails>/g) ?? []),
      ];
      expect(parts.length).toBeGreaterThan(0);
      expect(parseCyberTipReferral(Buffer.from(xml), LIMIT).ok).toBe(true);
      expect({ name, errors: await xsdErrors(parts) }).toEqual({ name, errors: [] });
    }
  }, 60_000);
});
