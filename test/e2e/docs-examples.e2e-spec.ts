/**
 * The answers shown in the docs are real answers: each JSON example of a response in
 * docs/partner-api.md and docs/embedded.md is compared with what the running embedded app
 * (intake, routing and feeds in one process, as `npm start` runs it) answers to the same
 * request. Same keys, same JSON types and the same values — statuses, formats, rule names,
 * recipients, problem codes — except the values that differ from one run to the next (ids,
 * times, offsets, signatures). A JSON example the test does not check fails it too. Each real
 * answer must also fit the schema docs/openapi.json gives for it.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { schemaErrors } from '../support/openapi-schema';
import { canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const DOCS = join(__dirname, '../../docs');
const OPERATOR_TOKEN = randomBytes(24).toString('base64url');

/** Keys whose values are this run's own: only their presence and type must match. */
const VARIES = new Set([
  'id',
  'caseId',
  'instance',
  'detail', // words for engineers, not a contract (docs/partner-api.md, "Errors")
  'receivedAt',
  'acceptedAt',
  'storedAt',
  'decidedAt',
  'producedAt',
  'offset',
  'nextCursor',
  'state', // a delivery's: queued until the relay publishes it, then dispatched, acked…
  'value', // a dispatch: its own ids, times and hashes
  'headers', // a dispatch's: its id, signature, trace (the names must match, not the values)
]);

/** Every ```json block of a doc, with the heading it stands under. */
function jsonExamples(doc: string): Array<{ heading: string; example: unknown }> {
  const examples: Array<{ heading: string; example: unknown }> = [];
  let heading = '';
  const lines = readFileSync(join(DOCS, doc), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (/^#+ /.test(lines[i]!)) heading = lines[i]!.replace(/^#+ /, '');
    if (lines[i] !== '```json') continue;
    const end = lines.indexOf('```', i + 1);
    examples.push({ heading, example: JSON.parse(lines.slice(i + 1, end).join('\n')) });
    i = end;
  }
  return examples;
}

/** Where the documented example and the real answer differ, one line per difference. */
function differences(documented: unknown, real: unknown, at = '', varies = false): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(documented) !== kind(real)) {
    return [`${at || '/'}: documented ${kind(documented)}, real ${kind(real)}`];
  }
  if (Array.isArray(documented)) {
    const items = real as unknown[];
    if (documented.length > 0 && items.length === 0) return [`${at}: real array is empty`];
    // The documented items stand for every real one.
    return items.flatMap((item, i) =>
      differences(documented[Math.min(i, documented.length - 1)], item, `${at}/${i}`, varies),
    );
  }
  if (kind(documented) === 'object') {
    const doc = documented as Record<string, unknown>;
    const got = real as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(doc), ...Object.keys(got)])].sort();
    return keys.flatMap((k) =>
      !(k in doc)
        ? [`${at}/${k}: in the real answer, not documented`]
        : !(k in got)
          ? [`${at}/${k}: documented, not in the real answer`]
          : differences(doc[k], got[k], `${at}/${k}`, varies || VARIES.has(k)),
    );
  }
  if (varies || documented === real) return [];
  return [`${at}: documented ${JSON.stringify(documented)}, real ${JSON.stringify(real)}`];
}

describe('the JSON answers in the docs are what the app answers', () => {
  let stack: TestStack;
  let baseUrl: string;
  let partner: PartnerClient;
  const real = new Map<string, unknown>();

  beforeAll(async () => {
    stack = await TestStack.create('docs_examples', { messaging: 'postgres' });
    ({ baseUrl } = await stack.listen('wissel', {
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex'),
    }));
    const key = generateKeyPairSync('ed25519');
    await operator('POST', '/admin/partners', { id: 'iwf', name: 'IWF', sourceSystems: ['IWF'] });
    await operator('POST', '/admin/partners/iwf/keys', {
      keyId: 'iwf-1',
      alg: 'ed25519',
      publicJwk: publicJwk(key.publicKey),
    });
    partner = new PartnerClient({
      baseUrl,
      keyId: 'iwf-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function operator(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return response.json();
  }

  /** The referral the docs follow: IWF's, hosted in the Netherlands by its hint. */
  const documentedReferral = () =>
    canonicalReferral({
      sourceRef: { system: 'IWF', id: 'IWF-2026-118204' },
      hints: { hostingCountry: 'NL' },
    });

  it('partner-api.md: the answer to a submission, a routed status and a problem', async () => {
    const submitted = await partner.submit(documentedReferral());
    expect(submitted.status).toBe(202);
    real.set('partner-api.md#Submitting', submitted.body);
    expect(schemaErrors('/v1/referrals', 'post', 202, 'application/json', submitted.body)).toEqual(
      [],
    );
    const id = (submitted.body as { results: Array<{ id: string }> }).results[0]!.id;

    const status = await eventually(async () => {
      const response = await partner.status(id);
      return (response.body as { status: string }).status === 'routed' && response.body;
    }, 'the documented referral routed');
    real.set('partner-api.md#Status', status);
    expect(schemaErrors('/v1/referrals/{id}', 'get', 200, 'application/json', status)).toEqual([]);

    const invalid = await partner.submit([{ ...canonicalReferral(), reportedAt: 'yesterday' }]);
    expect(invalid.status).toBe(422);
    real.set('partner-api.md#Errors', invalid.body);
    const problem = 'application/problem+json';
    expect(schemaErrors('/v1/referrals', 'post', 422, problem, invalid.body)).toEqual([]);

    expectDocumented('partner-api.md');
  });

  it("embedded.md: an operator's read of a recipient's feed", async () => {
    const submitted = await partner.submit(canonicalReferral({ hints: { hostingCountry: 'NL' } }));
    expect(submitted.status).toBe(202);
    const feed = await eventually(async () => {
      const page = (await operator('GET', '/v1/feeds/nl-hotline?cursor=0')) as { items: [] };
      return page.items.length > 0 && page;
    }, 'a dispatch on the nl-hotline feed');
    real.set('embedded.md#Recipients', feed);
    const feedPath = '/v1/feeds/{recipient}';
    expect(schemaErrors(feedPath, 'get', 200, 'application/json', feed)).toEqual([]);

    expectDocumented('embedded.md');
  });

  /** Every JSON example of the doc is one this test fetched, and matches it. */
  function expectDocumented(doc: string): void {
    const examples = jsonExamples(doc);
    expect(examples.map((e) => `${doc}#${e.heading}`).sort()).toEqual(
      [...real.keys()].filter((k) => k.startsWith(`${doc}#`)).sort(),
    );
    for (const { heading, example } of examples) {
      expect({ [heading]: differences(example, real.get(`${doc}#${heading}`)) }).toEqual({
        [heading]: [],
      });
    }
  }
});
