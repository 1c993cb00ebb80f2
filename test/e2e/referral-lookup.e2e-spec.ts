/**
 * Following one referral from submission to decision, on the real stack in both messaging
 * modes: a partner's status shows its route and final state (duplicates included, never
 * another partner's data), and operators find a referral by source reference, submission
 * id or case and open its decision record — also of a duplicate that produced no dispatch.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { canonicalReferral } from '../support/referrals';
import { eventually, TestStack, type Messaging } from '../support/stack';

const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const VIEWER_TOKEN = randomBytes(24).toString('base64url');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Status {
  id: string;
  status: string;
  finalState: string | null;
  route: {
    caseId: string;
    joinedBy: string;
    duplicate: boolean;
    rule: string;
    recipients: string[];
    deliveries: Array<{ recipient: string; state: string }>;
  } | null;
}
interface Found {
  items: Array<{
    referralId: string;
    sourceRef: { system: string; id: string };
    submission: { id: string; partnerId: string } | null;
    case: { id: string; status: string; joinedBy: string; duplicate: boolean } | null;
    decision: { id: string; rule: string; recipients: string[] } | null;
    dispatches: number;
    decisionRecord: string;
  }>;
  truncated: boolean;
}

describe.each<Messaging>(['kafka', 'postgres'])('finding a referral (%s)', (messaging) => {
  let stack: TestStack;
  let baseUrl: string;
  let iwf: PartnerClient;
  let eco: PartnerClient;
  const url = `https://img.pics-host.example/${randomBytes(6).toString('hex')}/same.jpg`;
  const first = canonicalReferral({
    locators: [{ url, kind: 'media_file', granularity: 'file' }],
    media: [],
    hints: { hostingCountry: 'NL' },
  });
  const repeat = canonicalReferral({
    sourceRef: { system: 'ECO', id: `ECO-${randomUUID()}` },
    locators: [{ url, kind: 'media_file', granularity: 'file' }],
    media: [],
    hints: { hostingCountry: 'NL' },
  });
  let firstSubmission: string;
  let repeatSubmission: string;

  const operator = (path: string, token = VIEWER_TOKEN, method = 'GET', body?: unknown) =>
    fetch(baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const find = async (query: string) => {
    const res = await operator(`/admin/referrals?${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Found;
  };
  const routed = (client: PartnerClient, id: string, what: string) =>
    eventually(async () => {
      const res = await client.status(id);
      const body = res.body as Status;
      return res.status === 200 && body.status === 'routed' ? body : undefined;
    }, what);

  beforeAll(async () => {
    stack = await TestStack.create(`lookup_${messaging}`, { messaging });
    ({ baseUrl } = await stack.listen('gateway', {
      OPERATOR_TOKEN_SHA256: `${sha256(ADMIN_TOKEN)}:admin:e2e-admin,${sha256(VIEWER_TOKEN)}:viewer:e2e-viewer`,
    }));
    await stack.start('router');
    await stack.start('dispatcher');
    const keys = { iwf: generateKeyPairSync('ed25519'), eco: generateKeyPairSync('ed25519') };
    for (const [id, system] of [
      ['iwf', 'IWF'],
      ['eco', 'ECO'],
    ] as const) {
      const made = await operator('/admin/partners', ADMIN_TOKEN, 'POST', {
        id,
        name: id,
        sourceSystems: [system],
      });
      expect(made.status).toBe(201);
      const key = await operator(`/admin/partners/${id}/keys`, ADMIN_TOKEN, 'POST', {
        keyId: `${id}-1`,
        alg: 'ed25519',
        publicJwk: publicJwk(keys[id].publicKey),
      });
      expect(key.status).toBe(201);
    }
    const client = (id: 'iwf' | 'eco') =>
      new PartnerClient({
        baseUrl,
        keyId: `${id}-1`,
        key: { alg: 'ed25519', privateKey: keys[id].privateKey },
      });
    iwf = client('iwf');
    eco = client('eco');
    const submitted = async (c: PartnerClient, referral: object) => {
      const res = await c.submit(referral);
      expect(res.status).toBe(202);
      return (res.body as { results: Array<{ id: string }> }).results[0]!.id;
    };
    firstSubmission = await submitted(iwf, first);
    // Routed before the repeat is sent: the repeat must find the case already open.
    await routed(iwf, firstSubmission, 'the first referral routed');
    repeatSubmission = await submitted(eco, repeat);
    await routed(eco, repeatSubmission, 'the repeat routed');
  });

  afterAll(async () => {
    await stack.close();
  });

  it("shows a partner its referral's route and deliveries", async () => {
    const status = await eventually(async () => {
      const body = (await iwf.status(firstSubmission)).body as Status;
      return body.route?.deliveries[0]?.state === 'dispatched' ? body : undefined;
    }, 'the dispatch delivered');
    expect(status).toMatchObject({
      finalState: 'in_progress',
      route: {
        joinedBy: 'new',
        duplicate: false,
        recipients: ['nl-hotline'],
        deliveries: [{ recipient: 'nl-hotline', state: 'dispatched' }],
      },
    });
  });

  it('shows a duplicate as such, with nothing of the referral it repeats', async () => {
    const res = await eco.status(repeatSubmission);
    const status = res.body as Status;
    const firstStatus = (await iwf.status(firstSubmission)).body as Status;
    expect(status).toMatchObject({
      status: 'routed',
      finalState: 'duplicate',
      route: {
        caseId: firstStatus.route!.caseId,
        joinedBy: 'url',
        duplicate: true,
        rule: 'joined_open_case',
        recipients: [],
        deliveries: [],
      },
    });
    // The case is shared; who else reported it is not.
    const text = JSON.stringify(res.body);
    for (const other of [firstSubmission, first.sourceRef.id, 'iwf', 'IWF', url]) {
      expect(text).not.toContain(other);
    }
    // The list shows it the same way, and only to its own partner.
    const list = (await eco.list()).body as { items: Status[] };
    expect(list.items).toEqual([status]);
    expect((await iwf.status(repeatSubmission)).status).toBe(404);
    const iwfList = (await iwf.list()).body as { items: Status[] };
    expect(iwfList.items.map((i) => i.id)).toEqual([firstSubmission]);
  });

  it('finds a referral by source reference and opens the decision record of a duplicate', async () => {
    const found = await find(
      `sourceSystem=ECO&sourceId=${encodeURIComponent(repeat.sourceRef.id)}`,
    );
    expect(found).toMatchObject({
      truncated: false,
      items: [
        {
          sourceRef: repeat.sourceRef,
          submission: { id: repeatSubmission, partnerId: 'eco' },
          case: { status: 'open', joinedBy: 'url', duplicate: true },
          decision: { rule: 'joined_open_case', recipients: [] },
          dispatches: 0,
        },
      ],
    });
    const item = found.items[0]!;
    expect(item.decisionRecord).toBe(`/admin/referrals/${item.referralId}/decision`);
    expect(JSON.stringify(found)).not.toContain(url);

    const record = await operator(item.decisionRecord);
    expect(record.status).toBe(200);
    const body = (await record.json()) as {
      referral: { id: string; caseId: string };
      decisions: Array<{ id: string; rule: string }>;
      dispatches: unknown[];
    };
    expect(body.referral).toMatchObject({ id: item.referralId, caseId: item.case!.id });
    expect(body.decisions.map((d) => [d.id, d.rule])).toEqual([
      [item.decision!.id, 'joined_open_case'],
    ]);
    expect(body.dispatches).toEqual([]);
  });

  it('finds a referral by the submission id the partner API gave out', async () => {
    const found = await find(`submissionId=${firstSubmission}`);
    expect(found.items).toEqual([
      expect.objectContaining({
        sourceRef: first.sourceRef,
        submission: { id: firstSubmission, partnerId: 'iwf' },
        case: expect.objectContaining({ joinedBy: 'new', duplicate: false }),
        dispatches: 1,
      }),
    ]);
    expect((await find(`submissionId=${randomUUID()}`)).items).toEqual([]);
  });

  it('finds every referral of a case, oldest first, duplicates included', async () => {
    const [byFirst] = (await find(`submissionId=${firstSubmission}`)).items;
    const found = await find(`caseId=${byFirst!.case!.id}`);
    expect(found.items.map((i) => [i.sourceRef.id, i.case!.joinedBy, i.dispatches])).toEqual([
      [first.sourceRef.id, 'new', 1],
      [repeat.sourceRef.id, 'url', 0],
    ]);
    const limited = await find(`caseId=${byFirst!.case!.id}&limit=1`);
    expect({ n: limited.items.length, truncated: limited.truncated }).toEqual({
      n: 1,
      truncated: true,
    });
  });

  it('refuses a lookup that is not exactly one, or malformed, and an anonymous one', async () => {
    for (const [query, field] of [
      ['', undefined],
      [`caseId=${randomUUID()}&submissionId=${randomUUID()}`, undefined],
      ['sourceSystem=ECO', 'sourceId'],
      ['caseId=not-a-uuid', 'caseId'],
      [`caseId=${randomUUID()}&caseId=${randomUUID()}`, 'caseId'],
      // Not a key of the lookup at all (the query parser keeps brackets as part of the name).
      ['caseId[$ne]=x', undefined],
      [`caseId=${randomUUID()}&limit=0`, 'limit'],
    ] as const) {
      const res = await operator(`/admin/referrals?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { code: string; field?: string };
      expect({ code: problem.code, field: problem.field }).toEqual({
        code: 'query_invalid',
        field,
      });
    }
    const anonymous = await fetch(`${baseUrl}/admin/referrals?caseId=${randomUUID()}`);
    expect(anonymous.status).toBe(401);
  });

  it('shows the final state once the recipient confirms removal', async () => {
    const { rows } = await stack.db.query<{ dispatch_id: string }>(
      `SELECT o.dispatch_id FROM outbox o JOIN referral r ON r.id = o.referral_id
        WHERE r.source_id = $1`,
      [first.sourceRef.id],
    );
    const at = new Date().toISOString();
    const base = { dispatchId: rows[0]!.dispatch_id, recipient: 'nl-hotline', at };
    await stack.produce(stack.topics.statusIn, [
      JSON.stringify({ ...base, kind: 'notice_sent' }),
      JSON.stringify({ ...base, kind: 'removed' }),
    ]);
    const status = await eventually(async () => {
      const body = (await iwf.status(firstSubmission)).body as Status;
      return body.finalState === 'removed' ? body : undefined;
    }, 'the referral removed');
    expect(status.route!.deliveries).toEqual([{ recipient: 'nl-hotline', state: 'removed' }]);
    // The duplicate's material was removed with its case.
    expect(((await eco.status(repeatSubmission)).body as Status).finalState).toBe('removed');
  });
});
