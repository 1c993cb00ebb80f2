/**
 * All three inbound formats on their own topics feed the same pipeline; the hostile-input
 * corpus is dead-lettered case by case, with the field and the problem named, while the
 * valid referrals around it flow through without a retry or a consumer restart.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { ConsumerRegistry } from '@wissel/messaging';
import { PARSERS } from '@wissel/formats';
import { IntakeReferralsUseCase } from '@wissel/pipeline';
import { hostileCorpus } from '../support/hostile-corpus';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack } from '../support/stack';
import { sealerFor } from '../support/sealed';

const MAX_BYTES = 256 * 1024;
const fixtures = join(__dirname, '../fixtures');
const cybertipXml = readFileSync(join(fixtures, 'cybertip/example.xml'), 'utf8');
const xarfExample = JSON.parse(readFileSync(join(fixtures, 'xarf/csam-example.json'), 'utf8'));

// Report ids must be unique within a run: a repeated id is (rightly) deduplicated by source
// id, which once made this suite flaky when two random suffixes collided in one millisecond.
let nextReportId = Date.now() * 1000;
const cybertip = (reportId = String(nextReportId++)) => ({
  id: reportId,
  payload: cybertipXml.replace(
    '<reportId>182736455</reportId>',
    `<reportId>${reportId}</reportId>`,
  ),
});
const xarf = (reportId = randomUUID()) => ({
  id: reportId,
  payload: JSON.stringify({ ...xarfExample, report_id: reportId }),
});

describe('inbound formats and hostile input', () => {
  let stack: TestStack;
  let router: INestApplication;
  const handled: string[] = [];

  beforeAll(async () => {
    stack = await TestStack.create('formats');
    router = await stack.start('router', { MAX_MESSAGE_BYTES: String(MAX_BYTES) });
    await stack.start('dispatcher');
    const intake = router.get(IntakeReferralsUseCase);
    const original = intake.execute.bind(intake);
    jest.spyOn(intake, 'execute').mockImplementation(async (format, messages) => {
      handled.push(...messages.map((m) => `${m.topic}:${m.offset}`));
      return original(format, messages);
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  const storedBySource = async (system: string, id: string) => {
    const { rows } = await stack.db.query(
      `SELECT r.id, r.format, r.raw_payload, r.personal_data, r.canonical, d.rule, d.recipients
         FROM referral r JOIN decision d ON d.referral_id = r.id
        WHERE r.source_system = $1 AND r.source_id = $2`,
      [system, id],
    );
    return rows;
  };

  it('routes a CyberTipline XML referral and keeps the XML as evidence', async () => {
    const { id, payload } = cybertip();
    await stack.produce(stack.topics.cybertipIn, [payload]);
    const [row] = await eventually(async () => {
      const rows = await storedBySource('NCMEC', id);
      return rows.length ? rows : undefined;
    }, 'the cybertip referral');
    expect(row.format).toBe('cybertip');
    // Raw payload and persons are sealed at rest (W11); they open to what was received.
    const sealer = sealerFor(stack.env);
    expect(sealer.openRawPayload(row.id, row.raw_payload).toString()).toBe(payload);
    expect(row.canonical.persons).toBeUndefined();
    expect(JSON.stringify(row.canonical)).not.toMatch(/ipEvents|screenName/);
    expect(sealer.openPersonalData(row.id, row.personal_data)!.persons[0]).toMatchObject({
      role: 'uploader',
      estimatedCountry: 'NL',
    });
    // Hosting unknown (no trace, no hint from a reporting centre): review. The uploader is
    // at home (estimated, and the upload IP is LeaseWeb NL): the domestic police too.
    expect(row.recipients).toEqual(['review', 'nl-police']);
  });

  it("routes NCMEC's bare <report>, keyed by its content: a resend is a duplicate", async () => {
    const unique = `https://forum.example/t/${randomUUID()}`;
    const bare = readFileSync(join(fixtures, 'cybertip/bare-report.xml'), 'utf8').replace(
      'https://forum.example/t/5521/post-3',
      unique,
    );
    const parsed = PARSERS.cybertip(Buffer.from(bare), MAX_BYTES);
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    const id = parsed.value.sourceRef.id;
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same report again, re-indented: the same key, so nothing new is stored.
    const before = handled.length;
    await stack.produce(stack.topics.cybertipIn, [bare, bare.replace(/\n\s*/g, '\n')]);
    const [row] = await eventually(async () => {
      const rows = await storedBySource('NCMEC', id);
      return rows.length ? rows : undefined;
    }, 'the bare cybertip report');
    expect(row.format).toBe('cybertip');
    expect(row.canonical.locators.map((l: { url: string }) => l.url)).toContain(unique);
    await eventually(
      async () => (handled.length >= before + 2 ? true : undefined),
      'both copies handled',
    );
    // Let the second copy's intake finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await stack.count(`referral WHERE source_id = $1`, [id])).toBe(1);
  });

  it('routes an X-ARF csam report on its hosting hint', async () => {
    const { id, payload } = xarf();
    const frHotline = await stack.read(stack.topics.outbound('fr-hotline'));
    await stack.produce(stack.topics.xarfIn, [payload]);
    await frHotline.until(
      (all) => all.some((m) => m.value.includes(id)),
      'the X-ARF dispatch to fr-hotline',
    );
    const [row] = await storedBySource('pointdecontact.example', id);
    expect(row).toMatchObject({
      format: 'xarf',
      rule: 'hosted_abroad_partner',
      recipients: ['fr-hotline'],
    });
  });

  it('dead-letters every hostile message with its reason and lets valid ones through, each handled once', async () => {
    const corpus = hostileCorpus(MAX_BYTES);
    const dlq = await stack.read(stack.topics.deadLetter);
    const topicOf = {
      canonical: stack.topics.canonicalIn,
      cybertip: stack.topics.cybertipIn,
      xarf: stack.topics.xarfIn,
    };
    const valid = { canonical: [] as string[], cybertip: [] as string[], xarf: [] as string[] };
    const expected = new Map<string, (typeof corpus)[number]>();
    let produced = 0;
    const started = Date.now();

    for (const format of ['canonical', 'cybertip', 'xarf'] as const) {
      // valid, hostile, valid, hostile, …, valid: each hostile message sits between two valid ones.
      const messages: Array<string | Buffer> = [];
      const hostile = corpus.filter((c) => c.format === format);
      const nextValid = () => {
        if (format === 'canonical') {
          const r = canonicalReferral();
          valid.canonical.push(r.sourceRef.id);
          return asMessage(r);
        }
        const v = format === 'cybertip' ? cybertip() : xarf();
        valid[format].push(v.id);
        return v.payload;
      };
      messages.push(nextValid());
      for (const h of hostile) messages.push(h.payload, nextValid());
      const offsets = await stack.produce(topicOf[format], messages);
      hostile.forEach((h, i) => expected.set(`${topicOf[format]}:${offsets[1 + 2 * i]}`, h));
      produced += messages.length;
    }

    const letters = await dlq.until(
      (all) => all.length >= expected.size,
      `${expected.size} dead letters`,
    );
    for (const letter of letters) {
      const record = JSON.parse(letter.value);
      const key = `${record.origin.topic}:${record.origin.offset}`;
      const hostile = expected.get(key);
      expect(hostile).toBeDefined();
      expect({ case: hostile!.name, code: record.reason.code }).toEqual({
        case: hostile!.name,
        code: hostile!.code,
      });
      if (hostile!.field)
        expect({ case: hostile!.name, field: record.reason.field }).toEqual({
          case: hostile!.name,
          field: hostile!.field,
        });
      expect(record.reason.detail).toEqual(expect.any(String));
      expect(letter.headers['wissel-dlq-reason']).toBe(hostile!.code);
    }
    expect(
      new Set(
        letters.map((l) => JSON.parse(l.value).origin.offset + JSON.parse(l.value).origin.topic),
      ).size,
    ).toBe(expected.size);

    const systems = { canonical: 'IWF', cybertip: 'NCMEC', xarf: 'pointdecontact.example' };
    for (const format of ['canonical', 'cybertip', 'xarf'] as const) {
      await eventually(
        async () =>
          (await stack.count(`referral WHERE source_system = $1 AND source_id = ANY($2)`, [
            systems[format],
            valid[format],
          ])) === valid[format].length,
        `all valid ${format} referrals stored`,
      );
    }
    const elapsed = Date.now() - started;
    console.log(
      `inbound formats: ${produced} messages (${expected.size} hostile) handled in ${elapsed} ms`,
    );

    // Every message was handed to intake exactly once: no retry loop, no redelivery…
    const ours = handled.filter((h) => Object.values(topicOf).some((t) => h.startsWith(`${t}:`)));
    expect(new Set(ours).size).toBe(ours.length);
    // …and the consumers (inbound, and the urgent lane's) never left their groups.
    expect(
      Object.fromEntries(
        router
          .get(ConsumerRegistry)
          .entries()
          .map(([name, c]) => [name, c.status()]),
      ),
    ).toEqual({ inbound_intake: 'running', urgent_intake: 'running' });
  });
});
