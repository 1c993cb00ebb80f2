import { checkRun, type Observations, type OutboundRecord } from './check';
import { faultSchedule, seededRandom } from './schedule';

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
});

describe('fault schedule', () => {
  const options = {
    seed: 42,
    windowMs: 60_000,
    routerKills: 4,
    dispatcherKills: 3,
    restartKafka: true,
    restartPostgres: true,
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
    ]).toEqual([4, 3, 1, 1]);
    for (const f of faults) {
      expect(f.atMs).toBeGreaterThanOrEqual(0.05 * 60_000);
      expect(f.atMs).toBeLessThanOrEqual(0.95 * 60_000);
    }
    const kafka = faults.find((f) => f.kind === 'restart-kafka')!.atMs;
    const postgres = faults.find((f) => f.kind === 'restart-postgres')!.atMs;
    expect(kafka).toBeLessThan(0.45 * 60_000);
    expect(postgres).toBeGreaterThan(0.6 * 60_000);
  });

  it('draws values in [0, 1) from a seeded generator', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});
