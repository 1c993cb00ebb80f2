import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { parseXarfReport } from './parse-xarf';

// The vendored official schemas, compiled here on their own (not through the parser's
// helper, no removeAdditional, no Wissel bounds): the judge of what the parser accepts.
const schemaDir = join(__dirname, 'schemas');
const load = (name: string) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8')) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(load('xarf-core.json')).addSchema(load('content-base.json'));
const official = {
  csam: ajv.compile(load('content-csam.json')),
  csem: ajv.compile(load('content-csem.json')),
};

const LIMIT = 256 * 1024;
const hex = (length: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
    minLength: length,
    maxLength: length,
  });
const party = fc.record({
  org: fc.constantFrom('Meldpunt Voorbeeld', 'Safety Scanner', 'Point de Contact'),
  contact: fc.constantFrom('abuse@scanner.example', 'meldingen@meldpunt.example'),
  domain: fc.constantFrom('scanner.example', 'meldpunt.example', 'Relay.Example'),
});
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const note = fc
  .constantFrom('Hash match notification', '{"matched":true}', 'url_key,seen\nab,1\n')
  .map((t) => Buffer.from(t).toString('base64'));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Structurally valid csam or csem reports with every optional field chosen at random. */
const report = fc
  .record({
    type: fc.constantFrom('csam', 'csem'),
    xarf_version: fc.constantFrom('4.0.0', '4.0.1', '4.1.0', '4.2.0', '4.2.3'),
    report_id: fc.uuid(),
    timestamp: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    reporter: party,
    sender: party,
    source_identifier: fc.oneof(ip, fc.constantFrom('host.example', 'user-77')),
    source_port: optional(fc.integer({ min: 1, max: 65535 })),
    url: fc.webUrl({ validSchemes: ['http', 'https'] }),
    hosting_provider: optional(fc.constantFrom('Voorbeeld Hosting', '')),
    asn: optional(fc.integer({ min: 1, max: 4294967295 })),
    country_code: optional(fc.constantFrom('NL', 'FR', 'EU', 'US')),
    dns_records: optional(fc.record({ a: fc.array(fc.ipV4(), { maxLength: 3 }) })),
    verified_at: optional(fc.constant('2026-11-19T08:10:00Z')),
    classification: optional(fc.constantFrom('baseline', 'A1', 'A2', 'B1', 'B2')),
    media_type: optional(fc.constantFrom('image', 'video', 'audio', 'text', 'mixed')),
    csamMethod: fc.constantFrom('hash_match', 'ai_detection', 'manual_review', 'user_report'),
    csemMethod: fc.constantFrom('behavioral_analysis', 'keyword_detection', 'manual_review'),
    hashes: fc.record({ md5: hex(32), sha1: hex(40), sha256: hex(64) }),
    hashValueKinds: fc.subarray(['md5', 'sha1', 'sha256'] as const),
    fileHashForm: optional(fc.constantFrom('string', 'object')),
    ncmec_report_id: optional(fc.constantFrom('172233445', 'NCMEC-2026-1')),
    content_removed: optional(fc.boolean()),
    account_suspended: optional(fc.boolean()),
    exploitation_type: fc.constantFrom('grooming', 'sextortion', 'distribution'),
    victim_age_range: optional(fc.constantFrom('infant', 'pubescent', 'unknown')),
    platform: optional(fc.constantFrom('social_media', 'messaging_app', 'email', 'other')),
    reporting_obligations: optional(fc.array(fc.constantFrom('NCMEC', 'IWF', 'europol'))),
    perpetrator_indicators: optional(
      fc.record(
        {
          account_id: fc.constantFrom('u-1', 'x'),
          ip_addresses: fc.array(fc.ipV4(), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
    ),
    evidence: optional(
      fc.array(
        fc.record({
          content_type: fc.constantFrom('text/plain', 'application/json'),
          payload: note,
        }),
        { maxLength: 2 },
      ),
    ),
    tags: optional(
      fc.array(fc.constantFrom('csam:detected', 'campaign:w_26', 'x:a-b'), { maxLength: 3 }),
    ),
    confidence: optional(fc.double({ min: 0, max: 1, noNaN: true })),
    evidence_source: optional(fc.constantFrom('crawler', 'user_report')),
  })
  .map(({ csamMethod, csemMethod, hashes, hashValueKinds, fileHashForm, ...r }) => {
    const doc: Record<string, unknown> = {
      ...r,
      category: 'content',
      detection_method: r.type === 'csam' ? csamMethod : csemMethod,
    };
    // The same file's hashes in both fields (a disagreement is refused, tested elsewhere).
    if (hashValueKinds.length) {
      doc.hash_values = Object.fromEntries(hashValueKinds.map((k) => [k, hashes[k]]));
    }
    if (fileHashForm === 'string') doc.file_hash = `sha256:${hashes.sha256}`;
    if (fileHashForm === 'object') doc.file_hash = { md5: hashes.md5 };
    // Hyphens in tags are X-ARF 4.2 (refused in older versions, tested elsewhere).
    if (!r.xarf_version.startsWith('4.2.')) doc.tags = r.tags?.filter((t) => !t.includes('-'));
    if (r.type === 'csam' && doc.classification === undefined) doc.classification = 'baseline';
    return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  });

/** One field replaced by any JSON value, or removed: the invalid neighbours of valid reports. */
const mutated = fc
  .tuple(report, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }))
  .map(([doc, pick, value]) => {
    const keys = Object.keys(doc);
    const key = keys[pick % keys.length]!;
    return { ...doc, [key]: value };
  });

describe('parseXarfReport against the official X-ARF schemas', () => {
  it('accepts only what the official schemas accept, and maps it to a valid canonical referral', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: report, weight: 2 }, mutated), (doc) => {
        const result = parseXarfReport(Buffer.from(JSON.stringify(doc)), LIMIT);
        if (!result.ok) {
          refused++;
          expect(result.rejection.field).toMatch(/^\//);
          return;
        }
        accepted++;
        const type = doc.type as 'csam' | 'csem';
        const judge = official[type];
        if (!judge(doc)) throw new Error(`accepted, but invalid: ${ajv.errorsText(judge.errors)}`);
        expect(validateCanonicalReferral(structuredClone(result.value)).ok).toBe(true);
      }),
      { numRuns: 1000 },
    );
    // Both halves of the property must have been exercised, not just one.
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(200);
  });
});
