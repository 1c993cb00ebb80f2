/**
 * Fuzzing the router's consumers on the real broker and PostgreSQL (W10): a few hundred
 * records per inbound topic — arbitrary bytes, empty and null values, mutated valid
 * messages (the format fuzzer's own mutators), values near the size limit, garbage keys
 * and headers — between valid referrals. The parser is the oracle for each record: what
 * it accepts must be stored, what it rejects must be dead-lettered with its code, once.
 * The router stays up, the counts add up, and the offsets are committed to the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Partitioners, type IHeaders, type Producer } from 'kafkajs';
import { PARSERS, type InboundFormat } from '@wissel/formats';
import {
  jsonMutation,
  mutateJson,
  serialise,
  textMutation,
} from '../../libs/formats/src/fuzz/json-mutations';
import { mutateXml, xmlMutation, xmlProlog } from '../../libs/formats/src/fuzz/xml-mutations';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';

const PER_TOPIC = Number(process.env.CONSUMER_FUZZ_RECORDS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const MAX_BYTES = 64 * 1024;
const fixtures = join(__dirname, '../fixtures');
const cybertipXml = readFileSync(join(fixtures, 'cybertip/example.xml'), 'utf8');
const xarfExample = JSON.parse(readFileSync(join(fixtures, 'xarf/csam-example.json'), 'utf8'));
const iccamExample = JSON.parse(
  readFileSync(join(fixtures, 'iccam/report-several-urls.json'), 'utf8'),
);
const canonicalExample = JSON.parse(
  readFileSync(join(fixtures, 'canonical/iwf-nl-hosted.json'), 'utf8'),
);

let nextReportId = Date.now() * 1000;
const valid: Record<InboundFormat, () => Buffer> = {
  canonical: () => Buffer.from(asMessage(canonicalReferral())),
  cybertip: () =>
    Buffer.from(
      cybertipXml.replace(
        '<reportId>182736455</reportId>',
        `<reportId>${nextReportId++}</reportId>`,
      ),
    ),
  xarf: () => Buffer.from(JSON.stringify({ ...xarfExample, report_id: randomUUID() })),
  iccam: () => Buffer.from(JSON.stringify({ ...iccamExample, reportId: nextReportId++ })),
};

const fuzzed: Record<InboundFormat, fc.Arbitrary<Buffer | null>> = {
  canonical: fc
    .tuple(fc.array(jsonMutation, { minLength: 1, maxLength: 2 }), textMutation)
    .map(([m, t]) => serialise(mutateJson(canonicalExample, m), t)),
  xarf: fc
    .tuple(fc.array(jsonMutation, { minLength: 1, maxLength: 2 }), textMutation)
    .map(([m, t]) => serialise(mutateJson(xarfExample, m), t)),
  iccam: fc
    .tuple(fc.array(jsonMutation, { minLength: 1, maxLength: 2 }), textMutation)
    .map(([m, t]) => serialise(mutateJson(iccamExample, m), t)),
  cybertip: fc
    .tuple(fc.array(xmlMutation, { minLength: 1, maxLength: 2 }), xmlProlog)
    .map(([m, p]) => Buffer.from(mutateXml(cybertipXml, m, p))),
};

const garbage: fc.Arbitrary<Buffer | null> = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(MAX_BYTES + 1, 0x7b)),
  fc.constant(Buffer.alloc(MAX_BYTES - 10, 0x20)),
);

const headers: fc.Arbitrary<IHeaders | undefined> = fc.option(
  fc.dictionary(
    fc.constantFrom('traceparent', 'tracestate', 'wissel-correlation-id', 'x', 'wissel-partner-id'),
    fc.oneof(
      fc.constantFrom('00-zz-zz-zz', '00-' + '0'.repeat(32) + '-' + '0'.repeat(16) + '-01', ''),
      fc.string({ maxLength: 50 }),
      fc.uint8Array({ maxLength: 50 }).map((b) => Buffer.from(b)),
      fc.constant('h'.repeat(10_000)),
    ),
  ),
  { nil: undefined },
);

type FuzzRecord = { value: Buffer | null; key: Buffer | null; headers?: IHeaders };

const sizeOf = ({ value, key, headers }: FuzzRecord) =>
  (value?.length ?? 0) +
  (key?.length ?? 0) +
  Object.entries(headers ?? {}).reduce((n, [k, v]) => n + k.length + String(v ?? '').length, 0);

/** Consecutive batches of at most 8 records and about `budget` bytes (one record may exceed it). */
function bySize(records: FuzzRecord[], budget: number): FuzzRecord[][] {
  const batches: FuzzRecord[][] = [];
  let batch: FuzzRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (batch.length > 0 && (batch.length === 8 || bytes + sizeOf(record) > budget)) {
      batches.push(batch);
      [batch, bytes] = [[], 0];
    }
    batch.push(record);
    bytes += sizeOf(record);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

interface Sent {
  topic: string;
  offset: string;
  expect: { ok: true; system: string; id: string } | { ok: false; code: string };
}

describe('fuzzing the inbound consumers', () => {
  let stack: TestStack;
  let producer: Producer;

  beforeAll(async () => {
    // Printed first, so a failing run can be repeated with the same records.
    process.stdout.write(`consumer fuzzing with FUZZ_SEED=${SEED}\n`);
    stack = await TestStack.create('consumer_fuzz');
    await stack.start('router', { MAX_MESSAGE_BYTES: String(MAX_BYTES) });
    producer = stack.kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await stack.close();
  });

  it('dead-letters every rejected record with its reason, stores every accepted one, and commits to the end', async () => {
    const topicOf: Record<InboundFormat, string> = {
      canonical: stack.topics.canonicalIn,
      cybertip: stack.topics.cybertipIn,
      xarf: stack.topics.xarfIn,
      iccam: stack.topics.iccamIn,
    };
    const dlq = await stack.read(stack.topics.deadLetter);
    const sent: Sent[] = [];
    for (const format of ['canonical', 'cybertip', 'xarf', 'iccam'] as const) {
      const values = fc.sample(
        fc.oneof(
          { arbitrary: fuzzed[format], weight: 3 },
          { arbitrary: garbage, weight: 1 },
          { arbitrary: fc.constant(undefined).map(() => valid[format]()), weight: 1 },
        ),
        { numRuns: PER_TOPIC, seed: SEED },
      );
      // Fresh valid values: fc.sample maps once per value, but be sure they are unique.
      const records = values.map((value, i) => ({
        value: value === null || i % 5 !== 0 ? value : valid[format](),
        key: i % 7 === 0 ? randomBytes(i % 300) : null,
        headers: fc.sample(headers, { numRuns: 1, seed: SEED + i })[0],
      }));
      // In small batches: a broker request has its own size limit (1 MiB by default), and a
      // fuzzed record with long headers can be far larger than its value.
      for (const batch of bySize(records, 256 * 1024)) {
        const [meta] = await producer.send({ topic: topicOf[format], acks: -1, messages: batch });
        const base = BigInt(meta!.baseOffset!);
        batch.forEach(({ value }, i) => {
          const parsed = PARSERS[format](value, MAX_BYTES);
          sent.push({
            topic: topicOf[format],
            offset: (base + BigInt(i)).toString(),
            expect: parsed.ok
              ? { ok: true, system: parsed.value.sourceRef.system, id: parsed.value.sourceRef.id }
              : { ok: false, code: parsed.rejection.code },
          });
        });
      }
    }

    const rejected = sent.filter((s) => !s.expect.ok);
    const letters = await eventually(
      async () => (dlq.messages.length >= rejected.length ? dlq.messages : undefined),
      `${rejected.length} dead letters`,
      120_000,
    );
    // Offsets committed to the end of each topic: nothing in flight, nothing skipped.
    for (const topic of Object.values(topicOf)) {
      const end = sent.filter((s) => s.topic === topic).length;
      await eventually(
        async () => (await stack.committedOffset(`${stack.prefix}router`, topic)) === BigInt(end),
        `${topic} committed to ${end}`,
        60_000,
      );
    }
    // Exactly one letter per rejected record, with the parser's code and a reason.
    const byOrigin = new Map<string, { code: string; detail: string }>();
    for (const letter of letters) {
      const record = JSON.parse(letter.value) as {
        origin: { topic: string; offset: string };
        reason: { code: string; detail: string };
      };
      const key = `${record.origin.topic}:${record.origin.offset}`;
      expect(byOrigin.has(key)).toBe(false);
      byOrigin.set(key, record.reason);
    }
    // A letter for a record the parser accepted is a bug behind the parser (e.g. storage).
    const expectedOrigins = new Set(rejected.map((r) => `${r.topic}:${r.offset}`));
    const unexpected = [...byOrigin].filter(([origin]) => !expectedOrigins.has(origin));
    expect(unexpected).toEqual([]);
    expect(byOrigin.size).toBe(rejected.length);
    for (const s of rejected) {
      const reason = byOrigin.get(`${s.topic}:${s.offset}`);
      expect({ at: `${s.topic}:${s.offset}`, code: reason?.code }).toEqual({
        at: `${s.topic}:${s.offset}`,
        code: (s.expect as { code: string }).code,
      });
      expect(reason!.detail.length).toBeGreaterThan(0);
    }
    // Every accepted record is stored (a repeated sourceRef once).
    const accepted = sent.flatMap((s) => (s.expect.ok ? [s.expect] : []));
    const keys = [...new Set(accepted.map((a) => `${a.system}\u0000${a.id}`))];
    const { rows } = await stack.db
      .query<{ n: number }>(
        `SELECT count(*)::int AS n FROM referral
        WHERE (source_system || chr(0) || source_id) = ANY($1)`,
        [keys],
      )
      .catch(async () =>
        // chr(0) is not allowed in text: compare pairs instead.
        stack.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM referral r
           JOIN unnest($1::text[], $2::text[]) AS k(system, id)
             ON r.source_system = k.system AND r.source_id = k.id`,
          [keys.map((k) => k.split('\u0000')[0]), keys.map((k) => k.split('\u0000')[1])],
        ),
      );
    expect(rows[0]!.n).toBe(keys.length);
    expect(await stack.count('referral')).toBe(keys.length);
    process.stdout.write(
      `\nconsumer fuzzing (FUZZ_SEED=${SEED}): ${sent.length} records, ${accepted.length} accepted (${keys.length} distinct), ${rejected.length} dead-lettered\n`,
    );
    // And the router is still consuming: one more valid referral goes through.
    const last = canonicalReferral();
    await stack.produce(stack.topics.canonicalIn, [asMessage(last)]);
    await eventually(
      async () => (await stack.count('referral WHERE source_id = $1', [last.sourceRef.id])) === 1,
      'a last valid referral stored',
    );
  });

  it('stores a valid referral whose Kafka headers carry NUL bytes', async () => {
    // Found by this fuzzer: the router kept inbound headers verbatim in referral.origin
    // (jsonb refuses U+0000), so a valid referral was dead-lettered as storage_rejected.
    // Such headers are now kept as digests (inboundOrigin).
    const referrals = [canonicalReferral(), canonicalReferral()];
    await producer.send({
      topic: stack.topics.canonicalIn,
      acks: -1,
      messages: [
        { value: asMessage(referrals[0]), headers: { 'wissel-partner-id': 'a\u0000b' } },
        { value: asMessage(referrals[1]), headers: { traceparent: Buffer.from([0x30, 0x00]) } },
      ],
    });
    await eventually(
      async () =>
        (await stack.count('referral WHERE source_id = ANY($1)', [
          referrals.map((r) => r.sourceRef.id),
        ])) === 2,
      'both referrals stored',
      30_000,
    );
  });
});
