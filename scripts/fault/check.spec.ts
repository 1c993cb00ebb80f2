import {
  checkRun,
  NEAR_DUPLICATE_SETTLE_MS,
  type Observations,
  type OutboundRecord,
  STALL_LIMIT_MS,
} from './check';
import { faultSchedule, LANE_FAULTS, seededRandom } from './schedule';

const topic = 'referrals.out.nl-hotline.v1';

/** Two referrals, both decided, each dispatched once to nl-hotline and delivered once. */
function healthyRun(): Observations {
  return {
    accepted: [
      { system: 'IWF', id: 'a' },
      { system: 'NCMEC', id: 'b' },
      { system: 'IWF', id: 'a' }, // a resend: accepted twice, stored once
    ],
    referrals: [
      { id: 'r1', system: 'IWF', sourceId: 'a' },
      { id: 'r2', system: 'NCMEC', sourceId: 'b' },
    ],
    decisions: [
      { id: 'd1', referralId: 'r1', supersedesId: null },
      { id: 'd2', referralId: 'r2', supersedesId: null },
    ],
    dispatches: [
      {
        dispatchId: 'x1',
        referralId: 'r1',
        recipientId: 'nl-hotline',
        topic,
        published: true,
        deadLettered: false,
      },
      {
        dispatchId: 'x2',
        referralId: 'r2',
        recipientId: 'nl-hotline',
        topic,
        published: true,
        deadLettered: false,
      },
    ],
    outbound: [record('x1', 0), record('x2', 1)],
    deadLetters: 0,
  };
}

function record(
  dispatchId: string | null,
  offset: number,
  extra: Partial<OutboundRecord> = {},
): OutboundRecord {
  return {
    topic,
    partition: 0,
    offset: String(offset),
    dispatchId,
    lifecycleType: null,
    valueDigest: `value-of-${dispatchId}`,
    ...extra,
  };
}

function failed(o: Observations): Record<string, number> {
  return Object.fromEntries(
    checkRun(o)
      .checks.filter((c) => c.violations > 0)
      .map((c) => [c.name, c.violations]),
  );
}

describe('fault run checker', () => {
  it('passes a run where everything arrived once', () => {
    const verdict = checkRun(healthyRun());
    expect(verdict.checks.every((c) => c.violations === 0)).toBe(true);
    expect(verdict.figures).toMatchObject({
      accepted: 2,
      stored: 2,
      storedNotAcked: 0,
      dispatches: 2,
      recipientView: 2,
      redeliveries: 0,
    });
  });

  it('counts identical repeats of a dispatch as redeliveries, not failures', () => {
    const run = healthyRun();
    run.outbound.push(record('x1', 2), record('x1', 3));
    const verdict = checkRun(run);
    expect(failed(run)).toEqual({});
    expect(verdict.figures).toMatchObject({
      outboundRecords: 4,
      recipientView: 2,
      redeliveries: 2,
    });
  });

  it('fails a repeat of a dispatch id with other bytes', () => {
    const run = healthyRun();
    run.outbound.push(record('x1', 2, { valueDigest: 'something else' }));
    expect(failed(run)).toEqual({ 'repeats of a dispatch id carry the same bytes': 1 });
  });

  it('fails an acked referral that was never stored', () => {
    const run = healthyRun();
    run.accepted.push({ system: 'IWF', id: 'lost' });
    const verdict = checkRun(run);
    expect(failed(run)).toEqual({ 'every accepted referral is stored': 1 });
    expect(verdict.checks[0]!.examples[0]).toContain('IWF/lost');
  });

  it('counts a stored referral whose ack was lost, without failing', () => {
    const run = healthyRun();
    run.referrals.push({ id: 'r3', system: 'IWF', sourceId: 'unacked' });
    run.decisions.push({ id: 'd3', referralId: 'r3', supersedesId: null });
    expect(failed(run)).toEqual({});
    expect(checkRun(run).figures.storedNotAcked).toBe(1);
  });

  it('fails a referral stored twice', () => {
    const run = healthyRun();
    run.referrals.push({ id: 'r9', system: 'IWF', sourceId: 'a' });
    run.decisions.push({ id: 'd9', referralId: 'r9', supersedesId: null });
    expect(failed(run)).toEqual({ 'no referral is stored twice': 1 });
  });

  it('needs exactly one current decision per referral; a superseded one does not count', () => {
    const undecided = healthyRun();
    undecided.decisions.pop();
    expect(failed(undecided)).toEqual({
      'every stored referral has exactly one current decision': 1,
    });

    const twice = healthyRun();
    twice.decisions.push({ id: 'd1b', referralId: 'r1', supersedesId: null });
    expect(failed(twice)).toEqual({ 'every stored referral has exactly one current decision': 1 });

    const redecided = healthyRun();
    redecided.decisions.push({ id: 'd1b', referralId: 'r1', supersedesId: 'd1' });
    expect(failed(redecided)).toEqual({});
  });

  it('fails a dispatch row left unpublished or dead-lettered, and one missing from its topic', () => {
    const run = healthyRun();
    run.dispatches[0]!.published = false;
    run.dispatches[1]!.deadLettered = true;
    run.outbound = [record('x2', 1)];
    expect(failed(run)).toEqual({
      'every dispatch row is published': 2,
      'every dispatch is on its recipient topic': 1,
    });
  });

  it('fails a dispatch on another recipient topic', () => {
    const run = healthyRun();
    run.outbound.push(record('x1', 0, { topic: 'referrals.out.de-hotline.v1' }));
    expect(failed(run)).toEqual({ 'no dispatch on another recipient topic': 1 });
  });

  it('fails a referral reaching one recipient under two dispatch ids', () => {
    const run = healthyRun();
    run.dispatches.push({
      dispatchId: 'x1b',
      referralId: 'r1',
      recipientId: 'nl-hotline',
      topic,
      published: true,
      deadLettered: false,
    });
    run.outbound.push(record('x1b', 2));
    expect(failed(run)).toEqual({ 'no referral reaches a recipient under two dispatch ids': 1 });
  });

  it('fails outbound records with no dispatch row or no dispatch id; lifecycle messages are apart', () => {
    const run = healthyRun();
    run.outbound.push(record('ghost', 2), record(null, 3));
    run.outbound.push(record('x1', 4, { lifecycleType: 'reminder', valueDigest: 'reminder' }));
    expect(failed(run)).toEqual({ 'no outbound record without a dispatch row': 2 });
    expect(checkRun(run).figures).toMatchObject({ lifecycleRecords: 1, redeliveries: 0 });
  });

  it('fails when anything was dead-lettered', () => {
    const run = { ...healthyRun(), deadLetters: 3 };
    expect(failed(run)).toEqual({ 'no referral dead-lettered': 1 });
  });

  it('with poison sent, wants each poison parked and nothing else dead-lettered', () => {
    const run: Observations = {
      ...healthyRun(),
      deadLetters: 2,
      poisonMarkers: ['P-1', 'P-2'],
      deadLetterPayloads: ['{"x":"P-1"', 'urgent P-2'],
    };
    expect(failed(run)).toEqual({});
    run.deadLetterPayloads = ['{"x":"P-1"', '{"sourceRef":{"id":"a"}}'];
    expect(failed(run)).toEqual({
      'every poison message parked on the dead-letter topic': 1,
      'no referral dead-lettered': 1,
    });
  });

  it('checks webhook dispatches against the calls the recipient verified and answered 2xx', () => {
    const run = healthyRun();
    run.webhookTopics = [topic];
    run.outbound = [];
    run.webhookCalls = [
      { dispatchId: 'x1', status: 200, verified: true },
      { dispatchId: 'x2', status: 200, verified: false },
    ];
    expect(failed(run)).toEqual({
      'every dispatch is on its recipient topic': 1,
      'every webhook delivery carries valid signatures': 1,
    });
    run.webhookCalls[1] = { dispatchId: 'x2', status: 500, verified: true };
    expect(failed(run)).toEqual({ 'every dispatch is on its recipient topic': 1 });
    run.webhookCalls.push({ dispatchId: 'x2', status: 204, verified: true });
    expect(failed(run)).toEqual({});
    run.webhookTopics = ['referrals.out.fr-hotline.v1'];
    run.outbound = healthyRun().outbound;
    expect(failed(run)).toEqual({ 'every webhook delivery carries valid signatures': 1 });
  });

  it('excuses a dispatch published before its topic was deleted, not one published while it was missing', () => {
    const run = healthyRun();
    run.outbound = [record('x2', 1)];
    run.dispatches[0]!.publishedAt = 1_000;
    run.deletedTopic = { topic, deletedAt: 2_000, recreatedAt: 30_000 };
    expect(failed(run)).toEqual({});
    expect(checkRun(run).figures.goneWithTopic).toBe(1);
    run.dispatches[0]!.publishedAt = 20_000;
    expect(failed(run)).toEqual({ 'every dispatch is on its recipient topic': 1 });
  });

  it('wants every PDQ hash stored and every near duplicate in its original case by PDQ', () => {
    const run = healthyRun();
    run.pdqExpected = [
      { system: 'IWF', id: 'a', pdq: ['aa'] },
      { system: 'NCMEC', id: 'b', pdq: ['ab'], nearDuplicateOf: { system: 'IWF', id: 'a' } },
    ];
    run.pdqRows = [
      { referralId: 'r1', pdq: 'aa' },
      { referralId: 'r2', pdq: 'ab' },
    ];
    run.caseSources = [
      { referralId: 'r1', caseId: 'c1', layer: 'new' },
      { referralId: 'r2', caseId: 'c1', layer: 'pdq' },
    ];
    expect(failed(run)).toEqual({});
    run.pdqRows.pop();
    run.caseSources[1] = { referralId: 'r2', caseId: 'c2', layer: 'new' };
    expect(failed(run)).toEqual({
      'every PDQ hash sent is stored for the index': 1,
      'every near duplicate joined its original case by PDQ': 1,
    });
    // Taken within seconds of its original (a burst across partitions): not required.
    run.caseSources = [
      { referralId: 'r1', caseId: 'c1', layer: 'new', joinedAt: 1_000 },
      {
        referralId: 'r2',
        caseId: 'c2',
        layer: 'new',
        joinedAt: 1_000 + NEAR_DUPLICATE_SETTLE_MS - 1,
      },
    ];
    expect(failed(run)).toEqual({ 'every PDQ hash sent is stored for the index': 1 });
    run.caseSources[1]!.joinedAt = 1_000 + NEAR_DUPLICATE_SETTLE_MS;
    expect(failed(run)).toEqual({
      'every PDQ hash sent is stored for the index': 1,
      'every near duplicate joined its original case by PDQ': 1,
    });
    run.pdqExpected = [run.pdqExpected[0]!];
    run.pdqRows.push({ referralId: 'r2', pdq: 'ab' });
    expect(failed(run)).toEqual({ 'every near duplicate joined its original case by PDQ': 1 });
  });

  it("fails another recipient's dispatch that waited past the limit while one recipient was down", () => {
    const run = healthyRun();
    const window = { name: 'the webhook hung', from: 0, to: 10_000, topic: 'referrals.out.fr.v1' };
    run.stallWindows = [window];
    run.dispatches[0]!.createdAt = 1_000;
    run.dispatches[0]!.publishedAt = 2_000;
    const name = `while the webhook hung, other recipients' dispatches went out within ${STALL_LIMIT_MS / 1000} s`;
    expect(failed(run)).toEqual({});
    run.dispatches[0]!.publishedAt = 1_000 + STALL_LIMIT_MS + 1;
    expect(failed(run)).toEqual({ [name]: 1 });
    run.dispatches[0]!.createdAt = 50_000;
    expect(failed(run)).toEqual({ [name]: 1 }); // nothing measured in the window
  });

  it('wants Retry-After on every 503, no API answer but 202 or 503, and a 503 in each outage', () => {
    const run = healthyRun();
    const outages = [{ name: 'the broker outage', from: 1_000, to: 50_000 }];
    run.api = {
      unavailable: 1,
      unavailableAt: [20_000],
      unavailableWithoutRetryAfter: 0,
      unexpectedCount: 0,
      unexpected: [],
      outages,
    };
    expect(failed(run)).toEqual({});
    run.api = {
      unavailable: 4,
      unavailableAt: [100_000],
      unavailableWithoutRetryAfter: 1,
      unexpectedCount: 2,
      unexpected: ['500 about:blank'],
      outages,
    };
    expect(failed(run)).toEqual({
      'every 503 of the API carries Retry-After': 1,
      'the API answered only 202 or 503': 2,
      'the API answered 503 during the broker outage': 1,
    });
  });
});

describe('fault schedule', () => {
  const options = {
    seed: 42,
    windowMs: 60_000,
    routerKills: 4,
    dispatcherKills: 3,
    restartKafka: true,
    restartPostgres: true,
    webhookDeadMs: 5_000,
    deleteTopic: true,
    poison: true,
  };

  it('is the same for the same seed, and sorted', () => {
    const a = faultSchedule(options);
    expect(faultSchedule(options)).toEqual(a);
    expect(faultSchedule({ ...options, seed: 43 })).not.toEqual(a);
    expect(a.map((f) => f.atMs)).toEqual([...a.map((f) => f.atMs)].sort((x, y) => x - y));
  });

  it('has every fault asked for, inside its part of the window', () => {
    const faults = faultSchedule(options);
    const count = (kind: string) => faults.filter((f) => f.kind === kind).length;
    expect([
      count('kill-router'),
      count('kill-dispatcher'),
      count('restart-kafka'),
      count('restart-postgres'),
      count('delete-topic'),
      count('webhook-revive'),
      count('poison'),
    ]).toEqual([4, 3, 1, 1, 1, 1, 2]);
    for (const f of faults) {
      expect(f.atMs).toBeGreaterThanOrEqual(0.05 * 60_000);
      expect(f.atMs).toBeLessThanOrEqual(0.95 * 60_000);
    }
    // The lane faults come in this order, so their windows never overlap.
    expect(faults.filter((f) => LANE_FAULTS.has(f.kind)).map((f) => f.kind)).toEqual([
      'webhook-revive',
      'restart-kafka',
      'delete-topic',
      'restart-postgres',
    ]);
  });

  it('leaves out what is switched off', () => {
    const faults = faultSchedule({
      ...options,
      webhookDeadMs: 0,
      deleteTopic: false,
      poison: false,
      restartKafka: false,
    });
    expect(new Set(faults.map((f) => f.kind))).toEqual(
      new Set(['kill-router', 'kill-dispatcher', 'restart-postgres']),
    );
  });

  it('draws values in [0, 1) from a seeded generator', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
