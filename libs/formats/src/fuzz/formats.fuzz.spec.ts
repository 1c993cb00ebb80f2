/**
 * Fuzzing every inbound format (W10), time-bounded: FUZZ_SECONDS (default 20) shared by
 * the properties below, FUZZ_SEED to replay. `npm run fuzz` runs it for 300 s and prints
 * the counts. Two kinds of input per format: arbitrary bytes and text, and structure-
 * aware mutations of the valid fixtures and the hostile corpus. Whatever the input, the
 * parser gives a typed result (checkOutcome) and whatever it accepts is a storable
 * canonical referral (checkCanonical).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseKnownHashMessage } from '../known-hashes/parse-known-hashes';
import { PARSERS } from '../parsers';
import { type InboundFormat } from '../format-parser';
import { budget, count, summary, tally, testTimeout } from './fuzz-budget';
import { checkCanonical, checkOutcome, documentedCodes, REJECTION_CODES } from './invariants';
import {
  jsonMutation,
  mutateJson,
  serialise,
  textMutation,
  type TextMutation,
} from './json-mutations';
import { mutateXml, xmlMutation, xmlProlog } from './xml-mutations';

const PROPERTIES = 8;
const LIMIT = 256 * 1024;
const FIXTURES = join(__dirname, '../../../../test/fixtures');

jest.setTimeout(testTimeout(PROPERTIES));

const read = (dir: string, match: RegExp) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => match.test(f))
    .sort()
    .map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8'));

// The hostile corpus holds some files that are not JSON on purpose: those are no seeds.
const jsonSeeds = (format: string, dir: string) =>
  [...read(dir, /\.json$/), ...read('hostile', new RegExp(`^${format}-.*\\.json$`))].flatMap(
    (text) => {
      try {
        return [JSON.parse(text) as unknown];
      } catch {
        return [];
      }
    },
  );

const SEEDS = {
  canonical: jsonSeeds('canonical', 'canonical'),
  xarf: jsonSeeds('xarf', 'xarf'),
  iccam: jsonSeeds('iccam', 'iccam'),
  cybertip: [...read('cybertip', /\.xml$/), ...read('hostile', /^cybertip-.*\.xml$/)],
  knownHashes: [
    {
      schema: 'wissel.known-hashes/1',
      list: 'fuzz',
      hashes: [
        { kind: 'md5', hash: '9e107d9d372bb6826bd81d3542a419d6' },
        { kind: 'pdq', hash: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22' },
        { kind: 'photodna', hash: 'AAECAwQ=' },
      ],
    },
  ],
};

/** Bytes of any kind: random, random text, random JSON, random markup. */
const arbitraryPayload = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 2048 }).map((s) => Buffer.from(s)),
  fc.json({ maxDepth: 6 }).map((s) => Buffer.from(s)),
  fc
    .array(fc.constantFrom('<', '>', '/', '<a>', '</a>', '<?', '?>', '<!--', '&', ';', '"', '='), {
      maxLength: 200,
    })
    .map((parts) => Buffer.from(parts.join(''))),
  fc.constantFrom(Buffer.alloc(0), Buffer.alloc(LIMIT + 1, 0x20), null as unknown as Buffer),
);

const NO_TEXT_MUTATION = fc.constant<TextMutation>({
  op: 'none',
  at: 0,
  byte: 0,
  key: '',
  literal: '',
});

function fuzzParser(format: InboundFormat, name: string, payload: fc.Arbitrary<Buffer>) {
  const t = tally(`${format}: ${name}`);
  fc.assert(
    fc.property(payload, (bytes) => {
      const result = PARSERS[format](bytes, LIMIT);
      count(t, checkOutcome(result));
      if (result.ok) checkCanonical(result.value);
    }),
    budget(PROPERTIES),
  );
}

// Mostly one mutation on intact text, so that many inputs stay close enough to valid to
// be accepted and tested as stored referrals; the rest pile mutations up.
const mutatedJson = (seeds: unknown[]) =>
  fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.oneof(
        { arbitrary: fc.array(jsonMutation, { minLength: 1, maxLength: 1 }), weight: 3 },
        { arbitrary: fc.array(jsonMutation, { maxLength: 4 }), weight: 1 },
      ),
      fc.oneof({ arbitrary: textMutation, weight: 1 }, { arbitrary: NO_TEXT_MUTATION, weight: 2 }),
    )
    .map(([seed, mutations, text]) => serialise(mutateJson(seed, mutations), text));

describe('fuzzing the inbound formats', () => {
  afterAll(() => {
    // The counts, for `npm run fuzz` and RELIABILITY.md.
    process.stdout.write(`\n${summary('format fuzzing')}\n`);
  });

  it('every rejection code is documented in docs/dead-letters.md', () => {
    const documented = documentedCodes();
    expect([...REJECTION_CODES].filter((c) => !documented.has(c))).toEqual([]);
  });

  it('canonical JSON: arbitrary bytes give a referral or a typed rejection', () => {
    fuzzParser('canonical', 'arbitrary bytes', arbitraryPayload);
  });

  it('canonical JSON: mutated referrals give a storable referral or a typed rejection', () => {
    fuzzParser('canonical', 'structure-aware mutations', mutatedJson(SEEDS.canonical));
  });

  it('X-ARF: arbitrary bytes give a referral or a typed rejection', () => {
    fuzzParser('xarf', 'arbitrary bytes', arbitraryPayload);
  });

  it('X-ARF: mutated reports give a storable referral or a typed rejection', () => {
    fuzzParser('xarf', 'structure-aware mutations', mutatedJson(SEEDS.xarf));
  });

  it('ICCAM v3: arbitrary bytes give a referral or a typed rejection', () => {
    fuzzParser('iccam', 'arbitrary bytes', arbitraryPayload);
  });

  it('ICCAM v3: mutated reports give a storable referral or a typed rejection', () => {
    fuzzParser('iccam', 'structure-aware mutations', mutatedJson(SEEDS.iccam));
  });

  it('CyberTipline XML: arbitrary bytes give a referral or a typed rejection', () => {
    fuzzParser('cybertip', 'arbitrary bytes', arbitraryPayload);
  });

  it('CyberTipline XML: mutated documents give a storable referral or a typed rejection', () => {
    const mutated = fc
      .tuple(
        fc.constantFrom(...SEEDS.cybertip),
        fc.array(xmlMutation, { minLength: 1, maxLength: 4 }),
        xmlProlog,
      )
      .map(([seed, mutations, prolog]) => Buffer.from(mutateXml(seed, mutations, prolog)));
    fuzzParser('cybertip', 'structure-aware mutations', mutated);
  });

  it('known-hash lists: any bytes or mutated list give a list or a typed rejection', () => {
    const t = tally('known-hashes: bytes and mutations');
    const payload = fc.oneof(arbitraryPayload, mutatedJson(SEEDS.knownHashes));
    fc.assert(
      fc.property(payload, (bytes) => {
        const result = parseKnownHashMessage(bytes, LIMIT);
        count(t, checkOutcome(result));
        if (!result.ok) return;
        for (const { kind, hash } of result.value.hashes) {
          if (!['md5', 'sha1', 'sha256', 'pdq', 'photodna'].includes(kind)) {
            throw new Error(`accepted a hash of kind ${kind}`);
          }
          if (kind !== 'photodna' && !/^[0-9a-f]+$/.test(hash)) throw new Error('not hex');
        }
      }),
      budget(PROPERTIES),
    );
  });
});
