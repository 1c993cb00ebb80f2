/**
 * This node's identity on the real stack, in both run modes: everything Wissel sends names
 * it last in `via` (and still verifies against Wissel's key), and a referral that comes back
 * with it in `via` is stored and recorded as a loop — sent nowhere, counted in the metric
 * and on the dashboard.
 */
import { randomUUID } from 'node:crypto';
import { type INestApplication } from '@nestjs/common';
import { fetchJwks, verifyWisselMessage } from '@wissel/partner-client';
import { GetDashboardUseCase, GetDecisionRecordUseCase } from '@wissel/pipeline';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type Messaging } from '../support/stack';

/** config/routing.yaml's node. */
const NODE = 'wissel.nl';

describe.each<Messaging>(['kafka', 'postgres'])('node identity on %s', (messaging) => {
  let stack: TestStack;
  let router: INestApplication;
  let routerUrl: string;
  let gateway: INestApplication;
  let gatewayUrl: string;

  beforeAll(async () => {
    stack = await TestStack.create(`node_identity_${messaging}`, { messaging });
    ({ app: router, baseUrl: routerUrl } = await stack.listen('router'));
    ({ app: gateway, baseUrl: gatewayUrl } = await stack.listen('gateway'));
    await stack.start('dispatcher');
  });

  afterAll(async () => {
    await stack.close();
  });

  async function loopsCounted(): Promise<number> {
    const text = await (await fetch(`${routerUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('wissel_referrals_looped_total{format="canonical"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  async function storedId(sourceId: string): Promise<string> {
    return eventually(async () => {
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT r.id FROM referral r JOIN decision d ON d.referral_id = r.id
          WHERE r.source_id = $1`,
        [sourceId],
      );
      return rows[0]?.id;
    }, `the decision of ${sourceId}`);
  }

  it('names itself last in the via of what it sends, under a valid signature', async () => {
    const referral = canonicalReferral({
      sourceRef: { system: 'IWF', id: `IWF-${randomUUID()}` },
      via: ['iwf.gb'],
    });
    const nlHotline = await stack.read(stack.topics.outbound('nl-hotline'));
    await stack.produce(stack.topics.canonicalIn, [asMessage(referral)]);
    const [message] = await nlHotline.until(
      (all) => all.some((m) => m.value.includes(referral.sourceRef.id)),
      'the dispatch to nl-hotline',
    );
    const dispatch = JSON.parse(message!.value);
    expect(dispatch.referral.via).toEqual(['iwf.gb', NODE]);
    const jwks = await fetchJwks(gatewayUrl);
    expect(verifyWisselMessage(message!, jwks)).toMatchObject({ ok: true });
    // Stored as received: the hop is added on the way out only.
    const { rows } = await stack.db.query(`SELECT canonical FROM referral WHERE id = $1`, [
      dispatch.referralId,
    ]);
    expect(rows[0].canonical.via).toEqual(['iwf.gb']);
  });

  it('records a referral that comes back through it as a loop and sends it nowhere', async () => {
    const before = await loopsCounted();
    const looped = canonicalReferral({
      sourceRef: { system: 'IWF', id: `IWF-${randomUUID()}` },
      // Out through this node to eco.de, and from there back to us.
      via: ['iwf.gb', NODE.toUpperCase(), 'eco.de'],
    });
    await stack.produce(stack.topics.canonicalIn, [asMessage(looped)]);
    const id = await storedId(looped.sourceRef.id);

    const record = await router.get(GetDecisionRecordUseCase).execute(id);
    expect(record.decisions[0]).toMatchObject({ rule: 'loop', recipients: [], routes: [] });
    expect(record.decisions[0]!.evidence).toMatchObject({
      loop: { hop: 'WISSEL.NL', field: 'via', position: 1 },
    });
    expect(record.dispatches).toEqual([]);
    expect(await stack.count(`outbox WHERE referral_id = $1`, [id])).toBe(0);

    await eventually(async () => (await loopsCounted()) === before + 1, 'the loop counted');
    const snapshot = await gateway.get(GetDashboardUseCase).execute();
    expect(snapshot.routes.loops).toBeGreaterThanOrEqual(1);
  });
});
