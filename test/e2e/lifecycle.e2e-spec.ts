/**
 * The dispatch lifecycle on the real stack (W6): acks on referrals.status.v1 and over the
 * signed API, the notice clock with its reminder and its breach (re-trace, then escalation
 * to the authority and the police), moves re-decided, and the hoster monitor. Every timer
 * reads the LifecycleClock, which this file replaces with one it moves: no test sleeps
 * through a deadline — it moves the clock and waits for the clock worker's next tick.
 * Addresses are real ones checked against the packaged data (see jurisdiction.e2e-spec.ts).
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { PartnerClient } from '@wissel/partner-client';
import { LifecycleClock } from '@wissel/pipeline';
import { publicJwk } from '@wissel/signing';
import { asMessage, canonicalReferral } from '../support/referrals';
import { MovableClock } from '../support/movable-clock';
import { eventually, TestStack, type ReadMessage, type TopicReader } from '../support/stack';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const OPERATOR_TOKEN = randomBytes(24).toString('base64url');
const LEASEWEB = '95.211.184.10'; // LeaseWeb Netherlands B.V., AS60781: NL / NL.
const HETZNER = '88.198.10.10'; // Hetzner Online GmbH, AS24940: DE / DE.

interface StateRow {
  status: string;
  notice_deadline: Date | null;
  notice_reminder_at: Date | null;
  reminded_at: Date | null;
  breach_handled_at: Date | null;
  escalated_to: string[] | null;
  moved_detected_by: string | null;
  hosting_provider: string | null;
  asn: string | null;
}

describe('dispatch lifecycle: acks, notice clock, escalation, moves, hoster monitor', () => {
  let stack: TestStack;
  let baseUrl: string;
  // Whole milliseconds of a real start: acks may not predate their dispatch by > 5 min.
  const T0 = Date.now();
  // The clock every lifecycle timer of the dispatcher and the gateway reads.
  const clock = new MovableClock(T0);
  const readers: Record<string, TopicReader> = {};
  const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

  beforeAll(async () => {
    stack = await TestStack.create('lifecycle');
    stack.dns.setZone({
      'nl.lifecycle.test': [{ type: 'A' as const, address: LEASEWEB }],
      'de.lifecycle.test': [{ type: 'A' as const, address: HETZNER }],
      // Moves to Hetzner before its notice breaches: the re-trace must find that.
      'drift.lifecycle.test': [{ type: 'A' as const, address: LEASEWEB }],
    });
    await stack.start('router');
    // The acknowledgement deadline is off here: this file's dispatches are acknowledged when
    // each test chooses (unacknowledged-dispatch.e2e-spec.ts has that deadline's tests).
    await stack.start(
      'dispatcher',
      { NOTICE_CLOCK_TICK_MS: '150', NOTICE_ACK_DEADLINE_HOURS: '0' },
      [[LifecycleClock, clock]],
    );
    ({ baseUrl } = await stack.listen(
      'gateway',
      { OPERATOR_TOKEN_SHA256: createHash('sha256').update(OPERATOR_TOKEN).digest('hex') },
      [[LifecycleClock, clock]],
    ));
    for (const id of ['nl-hotline', 'de-hotline', 'nl-authority', 'nl-police', 'review']) {
      readers[id] = await stack.read(stack.topics.outbound(id));
    }
    readers.dlq = await stack.read(stack.topics.deadLetter);
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Routes a referral for one URL; answers its id and its dispatch id to `recipient`. */
  async function dispatched(url: string, recipient = 'nl-hotline', media?: unknown[]) {
    const referral = canonicalReferral({
      sourceRef: { system: 'LIFECYCLE-TEST', id: `L-${randomUUID()}` },
      via: [],
      locators: [{ kind: 'web_page', url }],
      hints: {},
      ...(media ? { media } : {}),
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const referralId = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT id FROM referral WHERE source_id = $1`,
        [referral.sourceRef.id],
      );
      return rows[0]?.id;
    }, 'the referral stored');
    const [message] = await readers[recipient]!.until(
      (all) => all.some((m) => isDispatchOf(m, referralId)),
      `the dispatch to ${recipient}`,
    ).then((all) => all.filter((m) => isDispatchOf(m, referralId)));
    return { referralId, dispatchId: message!.headers['wissel-dispatch-id']! };
  }

  const isDispatchOf = (m: ReadMessage, referralId: string) =>
    m.headers['wissel-referral-id'] === referralId &&
    m.headers['wissel-schema'] === 'wissel.dispatch/1';

  const lifecycleMessages = (recipient: string, type: string, dispatchId: string) =>
    readers[recipient]!.messages.filter(
      (m) =>
        m.headers['wissel-lifecycle-type'] === type &&
        m.headers['wissel-dispatch-id'] === dispatchId,
    );

  const sendAcks = (...acks: Array<Record<string, unknown>>) =>
    stack.produce(
      stack.topics.statusIn,
      acks.map((a) => JSON.stringify(a)),
    );

  /** Waits until the ack log holds `count` acks of the dispatch; answers them in order. */
  const ackLog = (dispatchId: string, count: number) =>
    eventually(async () => {
      const { rows } = await stack.db.query<{
        kind: string;
        outcome: string;
        refusal_code: string | null;
        channel: string;
      }>(
        `SELECT kind, outcome, refusal_code, channel FROM dispatch_ack WHERE dispatch_id = $1 ORDER BY id`,
        [dispatchId],
      );
      return rows.length >= count ? rows : undefined;
    }, `${count} ack(s) of ${dispatchId} in the log`);

  const state = async (dispatchId: string): Promise<StateRow | undefined> => {
    const { rows } = await stack.db.query<StateRow>(
      `SELECT * FROM dispatch_state WHERE dispatch_id = $1`,
      [dispatchId],
    );
    return rows[0];
  };

  const stateIs = (dispatchId: string, status: string) =>
    eventually(async () => {
      const row = await state(dispatchId);
      return row?.status === status ? row : undefined;
    }, `dispatch ${dispatchId} ${status}`);

  /** Lets the clock worker tick a few more times (it ticks every 150 ms). */
  const severalTicks = () => new Promise((r) => setTimeout(r, 800));

  // Shared by the tests below, in order: the clock only moves forward.
  let home: { referralId: string; dispatchId: string };
  let drift: { referralId: string; dispatchId: string };
  let movedToDe: { referralId: string; dispatchId: string };

  it('takes acks off referrals.status.v1: received, then notice_sent starts the 24 h clock', async () => {
    home = await dispatched('https://nl.lifecycle.test/a.jpg');
    const base = { dispatchId: home.dispatchId, recipient: 'nl-hotline' };
    await sendAcks(
      { ...base, kind: 'received', at: at(0) },
      { ...base, kind: 'notice_sent', at: at(0) },
    );
    const row = await stateIs(home.dispatchId, 'notice_sent');
    expect(row.notice_deadline!.getTime()).toBe(T0 + 24 * HOUR);
    expect(row.notice_reminder_at!.getTime()).toBe(T0 + 18 * HOUR);
    // The hoster the notice went to, from the decision's trace.
    expect(row).toMatchObject({ hosting_provider: 'LeaseWeb Netherlands B.V.', asn: '60781' });
    expect(await ackLog(home.dispatchId, 2)).toEqual([
      { kind: 'received', outcome: 'applied', refusal_code: null, channel: 'kafka' },
      { kind: 'notice_sent', outcome: 'applied', refusal_code: null, channel: 'kafka' },
    ]);
  });

  it('records refused and late acks with their code, and dead-letters a malformed one', async () => {
    const base = { dispatchId: home.dispatchId, at: at(MINUTE) };
    const [badOffset] = await sendAcks(
      { ...base, recipient: 'nl-hotline', kind: 'deleted' },
      // Another recipient cannot ack nl-hotline's dispatch.
      { ...base, recipient: 'de-hotline', kind: 'removed' },
      // A stage already passed: late, changes nothing.
      { ...base, recipient: 'nl-hotline', kind: 'received' },
    );
    const log = await ackLog(home.dispatchId, 4);
    expect(log.slice(2)).toEqual([
      {
        kind: 'removed',
        outcome: 'refused',
        refusal_code: 'ack_wrong_recipient',
        channel: 'kafka',
      },
      { kind: 'received', outcome: 'late', refusal_code: null, channel: 'kafka' },
    ]);
    expect((await state(home.dispatchId))!.status).toBe('notice_sent');

    const [letter] = await readers
      .dlq!.until(
        (all) => all.some((m) => m.key === `${stack.topics.statusIn}:0:${badOffset}`),
        'the malformed ack dead-lettered',
      )
      .then((all) => all.filter((m) => m.key === `${stack.topics.statusIn}:0:${badOffset}`));
    expect(JSON.parse(letter!.value)).toMatchObject({
      reason: { code: 'schema_violation', field: '/kind' },
      origin: { topic: stack.topics.statusIn, offset: badOffset },
    });

    // An unknown dispatch is recorded as refused too: nothing received is lost.
    const unknown = randomUUID();
    await sendAcks({ dispatchId: unknown, recipient: 'nl-hotline', kind: 'received', at: at(0) });
    expect(await ackLog(unknown, 1)).toEqual([
      {
        kind: 'received',
        outcome: 'refused',
        refusal_code: 'dispatch_not_found',
        channel: 'kafka',
      },
    ]);
  });

  it('reminds once at 75 % of the window, and at the deadline re-traces, then escalates to ATKM and the police once', async () => {
    clock.set(T0 + 18 * HOUR - MINUTE);
    await severalTicks();
    expect(lifecycleMessages('nl-hotline', 'reminder', home.dispatchId)).toHaveLength(0);

    clock.set(T0 + 18 * HOUR + MINUTE);
    await readers['nl-hotline']!.until(
      () => lifecycleMessages('nl-hotline', 'reminder', home.dispatchId).length > 0,
      'the reminder',
    );
    await severalTicks();
    const reminders = lifecycleMessages('nl-hotline', 'reminder', home.dispatchId);
    expect(reminders).toHaveLength(1);
    expect(JSON.parse(reminders[0]!.value)).toMatchObject({
      schema: 'wissel.lifecycle/1',
      type: 'reminder',
      dispatchId: home.dispatchId,
      deadline: at(24 * HOUR),
    });
    // Repeats are dropped by the message id: the reminder's own, not its dispatch's, which
    // the dispatch itself carries.
    const reminderId = (JSON.parse(reminders[0]!.value) as { messageId: string }).messageId;
    expect(reminders[0]!.headers['wissel-message-id']).toBe(reminderId);
    expect(reminderId).not.toBe(home.dispatchId);
    const dispatch = readers['nl-hotline']!.messages.find((m) => isDispatchOf(m, home.referralId))!;
    expect(dispatch.headers['wissel-message-id']).toBe(home.dispatchId);

    clock.set(T0 + 24 * HOUR + MINUTE);
    for (const recipient of ['nl-authority', 'nl-police']) {
      await readers[recipient]!.until(
        () => lifecycleMessages(recipient, 'escalation', home.dispatchId).length > 0,
        `the escalation to ${recipient}`,
      );
    }
    const row = await stateIs(home.dispatchId, 'escalated');
    expect(row.escalated_to).toEqual(['nl-authority', 'nl-police']);
    expect(row.breach_handled_at!.getTime()).toBe(T0 + 24 * HOUR + MINUTE);
    await severalTicks();
    const toAuthority = lifecycleMessages('nl-authority', 'escalation', home.dispatchId);
    expect(toAuthority).toHaveLength(1);
    expect(lifecycleMessages('nl-police', 'escalation', home.dispatchId)).toHaveLength(1);
    expect(JSON.parse(toAuthority[0]!.value)).toMatchObject({
      role: 'authority',
      breachedRecipient: 'nl-hotline',
      deadline: at(24 * HOUR),
      // The re-trace before escalating found it where the notice went.
      retrace: [
        {
          host: 'nl.lifecycle.test',
          addresses: [{ ip: LEASEWEB, country: 'NL', asn: 60781 }],
        },
      ],
      referral: { locators: [{ url: 'https://nl.lifecycle.test/a.jpg' }] },
    });
    // Nothing more to remind about an escalated notice.
    expect(lifecycleMessages('nl-hotline', 'reminder', home.dispatchId)).toHaveLength(1);
  });

  it('re-decides a moved dispatch on the same case: the German hotline gets it, the Dutch one is told', async () => {
    const moving = await dispatched('https://nl.lifecycle.test/moving.jpg');
    await sendAcks({
      dispatchId: moving.dispatchId,
      recipient: 'nl-hotline',
      kind: 'moved',
      at: at(24 * HOUR + 2 * MINUTE),
      newLocation: 'https://de.lifecycle.test/moved.jpg',
    });
    const { rows: decisions } = await eventually(async () => {
      const result = await stack.db.query<{ cause: string; rule: string; recipients: string[] }>(
        `SELECT cause, rule, recipients FROM decision WHERE referral_id = $1 ORDER BY decided_at`,
        [moving.referralId],
      );
      return result.rows.length === 2 ? result : undefined;
    }, 'the new decision');
    expect(decisions.map((d) => [d.cause, d.rule, d.recipients])).toEqual([
      ['intake', 'hosted_at_home', ['nl-hotline']],
      ['moved', 'hosted_abroad_partner', ['de-hotline']],
    ]);
    const { rows: superseding } = await stack.db.query(
      `SELECT 1 FROM decision n JOIN decision o ON n.supersedes_id = o.id
        WHERE n.referral_id = $1 AND n.cause = 'moved' AND o.cause = 'intake'`,
      [moving.referralId],
    );
    expect(superseding).toHaveLength(1);
    const [toDe] = await readers['de-hotline']!.until(
      (all) => all.some((m) => isDispatchOf(m, moving.referralId)),
      'the dispatch to de-hotline',
    ).then((all) => all.filter((m) => isDispatchOf(m, moving.referralId)));
    movedToDe = { referralId: moving.referralId, dispatchId: toDe!.headers['wissel-dispatch-id']! };
    expect(JSON.parse(toDe!.value)).toMatchObject({
      caseId: toDe!.headers['wissel-case-id'],
      referral: { locators: [{ url: 'https://de.lifecycle.test/moved.jpg' }] },
    });
    const [told] = await readers['nl-hotline']!.until(
      () => lifecycleMessages('nl-hotline', 'moved', moving.dispatchId).length > 0,
      'the moved notice to nl-hotline',
    ).then(() => lifecycleMessages('nl-hotline', 'moved', moving.dispatchId));
    expect(JSON.parse(told!.value)).toMatchObject({
      type: 'moved',
      detectedBy: 'recipient',
      caseId: toDe!.headers['wissel-case-id'],
      decision: { rule: 'hosted_abroad_partner', recipients: ['de-hotline'] },
    });
    expect(await state(moving.dispatchId)).toMatchObject({
      status: 'moved',
      moved_detected_by: 'recipient',
    });
  });

  it('decides again without a recipient that declines a dispatch as not its jurisdiction', async () => {
    const declined = await dispatched('https://nl.lifecycle.test/declined.jpg');
    await sendAcks({
      dispatchId: declined.dispatchId,
      recipient: 'nl-hotline',
      kind: 'rejected',
      reason: 'not_our_jurisdiction',
      at: at(24 * HOUR + 3 * MINUTE),
    });
    await readers.review!.until(
      (all) => all.some((m) => isDispatchOf(m, declined.referralId)),
      'the re-decision sent to review',
    );
    const { rows } = await stack.db.query<{ cause: string; dropped_for_loop: string[] }>(
      `SELECT cause, dropped_for_loop FROM decision WHERE referral_id = $1 AND cause <> 'intake'`,
      [declined.referralId],
    );
    expect(rows).toEqual([{ cause: 'not_our_jurisdiction', dropped_for_loop: ['nl-hotline'] }]);
    expect(
      readers['nl-hotline']!.messages.filter((m) => isDispatchOf(m, declined.referralId)),
    ).toHaveLength(1);
  });

  it('re-routes instead of escalating when the re-trace at the deadline finds the host moved', async () => {
    drift = await dispatched('https://drift.lifecycle.test/c.jpg');
    clock.set(T0 + 25 * HOUR);
    await sendAcks({
      dispatchId: drift.dispatchId,
      recipient: 'nl-hotline',
      kind: 'notice_sent',
      at: at(25 * HOUR),
    });
    await stateIs(drift.dispatchId, 'notice_sent');
    stack.dns.setZone({
      'nl.lifecycle.test': [{ type: 'A' as const, address: LEASEWEB }],
      'de.lifecycle.test': [{ type: 'A' as const, address: HETZNER }],
      'drift.lifecycle.test': [{ type: 'A' as const, address: HETZNER }],
    });
    clock.set(T0 + 49 * HOUR + MINUTE);
    const row = await stateIs(drift.dispatchId, 'moved');
    expect(row.moved_detected_by).toBe('retrace');
    await readers['de-hotline']!.until(
      (all) => all.some((m) => isDispatchOf(m, drift.referralId)),
      'the re-routed dispatch to de-hotline',
    );
    await readers['nl-hotline']!.until(
      () => lifecycleMessages('nl-hotline', 'moved', drift.dispatchId).length > 0,
      'the moved notice',
    );
    expect(
      JSON.parse(lifecycleMessages('nl-hotline', 'moved', drift.dispatchId)[0]!.value),
    ).toMatchObject({
      detectedBy: 'retrace',
    });
    await severalTicks();
    expect(lifecycleMessages('nl-authority', 'escalation', drift.dispatchId)).toHaveLength(0);
    expect(lifecycleMessages('nl-police', 'escalation', drift.dispatchId)).toHaveLength(0);
  });

  it('times removals per hoster: JSON and CSV show LeaseWeb AS60781 with median, p90 and the 24 h share', async () => {
    clock.set(T0 + 60 * HOUR);
    // The escalated notice is removed after 50 h: the authority and police hear it ended.
    await sendAcks({
      dispatchId: home.dispatchId,
      recipient: 'nl-hotline',
      kind: 'removed',
      at: at(50 * HOUR),
    });
    const notices: Array<[sent: number, removed?: number]> = [
      [26, 28], // 2 h
      [26, 30], // 4 h
      [27, 57], // 30 h
      [50], // open, 10 h old, its 24 h not over
    ];
    for (const [sent, removed] of notices) {
      const d = await dispatched(`https://nl.lifecycle.test/m-${randomUUID()}.jpg`);
      const base = { dispatchId: d.dispatchId, recipient: 'nl-hotline' };
      // The removal first: notice_sent then arrives late and only fills in its time.
      await sendAcks(
        ...(removed === undefined ? [] : [{ ...base, kind: 'removed', at: at(removed * HOUR) }]),
        { ...base, kind: 'notice_sent', at: at(sent * HOUR) },
      );
      await ackLog(d.dispatchId, removed === undefined ? 1 : 2);
    }
    await stateIs(home.dispatchId, 'removed');
    for (const recipient of ['nl-authority', 'nl-police']) {
      await readers[recipient]!.until(
        () => lifecycleMessages(recipient, 'escalation_outcome', home.dispatchId).length > 0,
        `the outcome to ${recipient}`,
      );
    }

    const res = await fetch(`${baseUrl}/admin/hoster-monitor`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { generatedAt: string; hosters: unknown[] };
    expect(report.generatedAt).toBe(at(60 * HOUR));
    // Removed after 2, 4, 30 and 50 h; one open; the drifted one ended without removal.
    expect(report.hosters).toEqual([
      {
        hostingProvider: 'LeaseWeb Netherlands B.V.',
        asn: 60781,
        notices: 6,
        removed: 4,
        open: 1,
        endedWithoutRemoval: 1,
        medianHours: 4,
        p90Hours: 50,
        windowElapsed: 4,
        removedWithinWindow: 2,
        withinWindowShare: 0.5,
        oldestOpenHours: 10,
      },
    ]);

    for (const path of ['/admin/hoster-monitor.csv', '/admin/hoster-monitor?format=csv']) {
      const csv = await fetch(baseUrl + path, {
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(await csv.text()).toBe(
        'hosting_provider,asn,notices,removed,open,ended_without_removal,median_hours,p90_hours,window_elapsed,removed_within_24h,removed_within_24h_share,oldest_open_hours\r\n' +
          'LeaseWeb Netherlands B.V.,60781,6,4,1,1,4.00,50.00,4,2,0.5000,10.00\r\n',
      );
    }
    const anonymous = await fetch(`${baseUrl}/admin/hoster-monitor.csv`);
    expect(anonymous.status).toBe(401);
  });

  it('takes acks from a webhook partner over the signed API, and answers 404 for another recipient’s dispatch', async () => {
    const operator = (path: string, body: unknown) =>
      fetch(baseUrl + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const key = generateKeyPairSync('ed25519');
    // eco.de is de-hotline's hop id in the routing file: the partner acts for de-hotline.
    expect(
      (await operator('/admin/partners', { id: 'eco.de', name: 'eco', sourceSystems: ['ECO'] }))
        .status,
    ).toBe(201);
    expect(
      (
        await operator('/admin/partners/eco.de/keys', {
          keyId: 'eco-1',
          alg: 'ed25519',
          publicJwk: publicJwk(key.publicKey),
        })
      ).status,
    ).toBe(201);
    const client = new PartnerClient({
      baseUrl,
      keyId: 'eco-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
    const ack = (body: Record<string, unknown>) =>
      client.send(client.prepare('POST', '/v1/acks', JSON.stringify(body)));

    const received = await ack({
      dispatchId: movedToDe.dispatchId,
      recipient: 'de-hotline',
      kind: 'received',
      at: at(60 * HOUR),
    });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({
      dispatchId: movedToDe.dispatchId,
      outcome: 'applied',
      status: 'received',
    });
    expect(await ackLog(movedToDe.dispatchId, 1)).toEqual([
      { kind: 'received', outcome: 'applied', refusal_code: null, channel: 'api' },
    ]);

    // nl-hotline's dispatch: not this partner's, answered like an unknown id.
    for (const recipient of ['nl-hotline', 'de-hotline']) {
      const other = await ack({
        dispatchId: home.dispatchId,
        recipient,
        kind: 'removed',
        at: at(60 * HOUR),
      });
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({ code: 'dispatch_not_found' });
    }
    const invalid = await ack({
      dispatchId: movedToDe.dispatchId,
      recipient: 'de-hotline',
      kind: 'gone',
      at: at(60 * HOUR),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ code: 'ack_invalid', field: '/kind' });

    const unsigned = await fetch(`${baseUrl}/v1/acks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
  });

  it('lets no notice it cannot act on hide a later breach: a tick reads past a full page', async () => {
    const late = await dispatched('https://nl.lifecycle.test/late.jpg');
    clock.set(T0 + 61 * HOUR);
    await sendAcks({
      dispatchId: late.dispatchId,
      recipient: 'nl-hotline',
      kind: 'notice_sent',
      at: at(61 * HOUR),
    });
    await stateIs(late.dispatchId, 'notice_sent');
    // Its reminder is sent: from now on only its deadline makes it due.
    clock.set(T0 + 79 * HOUR + MINUTE);
    await eventually(
      async () => ((await state(late.dispatchId))?.reminded_at ? true : undefined),
      'the reminder',
    );
    // 150 notices breached before it (NOTICE_CLOCK_BATCH_SIZE is 100) whose dispatch cannot
    // be read: each tick skips them, and they come first by deadline.
    const { rows: stuck } = await stack.db.query<{ dispatch_id: string }>(
      `INSERT INTO dispatch_state (dispatch_id, referral_id, case_id, recipient_id, status,
              dispatched_at, notice_sent_at, notice_deadline, notice_reminder_at, reminded_at, updated_at)
       SELECT gen_random_uuid(), s.referral_id, s.case_id, 'nl-hotline', 'notice_sent',
              $2, $2, $2::timestamptz + interval '1 hour', $2, $2, $2
         FROM dispatch_state s, generate_series(1, 150)
        WHERE s.dispatch_id = $1
       RETURNING dispatch_id`,
      [late.dispatchId, at(30 * HOUR)],
    );
    try {
      clock.set(T0 + 85 * HOUR + MINUTE);
      const row = await stateIs(late.dispatchId, 'escalated');
      expect(row.escalated_to).toEqual(['nl-authority', 'nl-police']);
    } finally {
      await stack.db.query(`DELETE FROM dispatch_state WHERE dispatch_id = ANY($1)`, [
        stuck.map((r) => r.dispatch_id),
      ]);
    }
  });

  it('closes a case on confirmed removal: the same URL reported again is a re-upload, noticed again', async () => {
    const url = 'https://nl.lifecycle.test/reupload.jpg';
    const first = await dispatched(url);
    clock.set(T0 + 86 * HOUR);
    await sendAcks({
      dispatchId: first.dispatchId,
      recipient: 'nl-hotline',
      kind: 'removed',
      at: at(86 * HOUR),
    });
    await stateIs(first.dispatchId, 'removed');
    const caseOf = async (referralId: string) => {
      const { rows } = await stack.db.query<{
        case_id: string;
        layer: string;
        status: string;
        previous_case_id: string | null;
      }>(
        `SELECT cs.case_id, cs.layer, c.status, c.previous_case_id
           FROM case_source cs JOIN "case" c ON c.id = cs.case_id WHERE cs.referral_id = $1`,
        [referralId],
      );
      return rows[0]!;
    };
    const old = await eventually(async () => {
      const row = await caseOf(first.referralId);
      return row.status === 'removed' ? row : undefined;
    }, 'the case removed');

    // Re-uploaded and reported again: a new incident linked to the old one, and a new notice.
    const again = await dispatched(url);
    expect(await caseOf(again.referralId)).toMatchObject({
      layer: 'reupload',
      status: 'open',
      previous_case_id: old.case_id,
    });
    expect(again.dispatchId).not.toBe(first.dispatchId);
  });

  it('keeps a case open while another of its removal dispatches is live', async () => {
    const media = [{ hashes: { sha256: randomBytes(32).toString('hex') } }];
    // Two pages with the same image: one case, two notices.
    const a = await dispatched('https://nl.lifecycle.test/pair-a.jpg', 'nl-hotline', media);
    const b = await dispatched('https://nl.lifecycle.test/pair-b.jpg', 'nl-hotline', media);
    const statusOf = async () => {
      const { rows } = await stack.db.query<{ status: string }>(
        `SELECT c.status FROM case_source cs JOIN "case" c ON c.id = cs.case_id
          WHERE cs.referral_id = ANY($1) GROUP BY c.status`,
        [[a.referralId, b.referralId]],
      );
      return rows.map((r) => r.status);
    };
    expect(await statusOf()).toEqual(['open']);
    await sendAcks({
      dispatchId: a.dispatchId,
      recipient: 'nl-hotline',
      kind: 'removed',
      at: at(86 * HOUR),
    });
    await stateIs(a.dispatchId, 'removed');
    expect(await statusOf()).toEqual(['open']);
    await sendAcks({
      dispatchId: b.dispatchId,
      recipient: 'nl-hotline',
      kind: 'removed',
      at: at(86 * HOUR),
    });
    await stateIs(b.dispatchId, 'removed');
    expect(
      await eventually(
        async () => ((await statusOf())[0] === 'removed' ? true : undefined),
        'the case removed',
      ),
    ).toBe(true);
  });

  it('keeps a case open while a referral of it is held for the police', async () => {
    clock.set(T0 + 86 * HOUR);
    const media = [{ hashes: { sha256: randomBytes(32).toString('hex') } }];
    const heldUrl = `https://nl.lifecycle.test/${randomUUID()}.jpg`;
    const holdId = randomUUID();
    await stack.produce(stack.topics.holdsIn, [
      JSON.stringify({
        schema: 'wissel.police-hold/1',
        action: 'set',
        id: holdId,
        kind: 'url',
        value: heldUrl,
        setBy: 'nl-police',
        expiresAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
      }),
    ]);
    await eventually(
      async () => (await stack.count(`police_hold WHERE id = $1`, [holdId])) === 1,
      'the hold stored',
    );
    // The same image on two pages: one case. The held page's removal waits for the police.
    const free = await dispatched(
      `https://nl.lifecycle.test/${randomUUID()}.jpg`,
      'nl-hotline',
      media,
    );
    const held = await dispatched(heldUrl, 'nl-police', media);
    const { rows: decisions } = await stack.db.query<{ held: boolean; recipients: string[] }>(
      `SELECT held, recipients FROM decision WHERE referral_id = $1`,
      [held.referralId],
    );
    expect(decisions).toEqual([{ held: true, recipients: ['nl-police'] }]);
    const statusOf = async () => {
      const { rows } = await stack.db.query<{ status: string }>(
        `SELECT c.status FROM case_source cs JOIN "case" c ON c.id = cs.case_id
          WHERE cs.referral_id = ANY($1) GROUP BY c.status`,
        [[free.referralId, held.referralId]],
      );
      return rows.map((r) => r.status);
    };
    expect(await statusOf()).toEqual(['open']);

    // The case's only removal dispatch is confirmed; the held page's removal still waits.
    await sendAcks({
      dispatchId: free.dispatchId,
      recipient: 'nl-hotline',
      kind: 'removed',
      at: at(86 * HOUR),
    });
    await stateIs(free.dispatchId, 'removed');
    expect(await statusOf()).toEqual(['open']);
  });
});
