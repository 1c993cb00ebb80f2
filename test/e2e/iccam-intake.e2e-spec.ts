/**
 * ICCAM v3 reports on their own topic: one is accepted, routed on its per-URL hosting and
 * dispatched with every hash; a poison one is dead-lettered with its reason and the
 * consumer carries on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, TestStack } from '../support/stack';

const MAX_BYTES = 256 * 1024;
// ICCAM v3 field names as used by SCART-application 1f8cfd5 (see test/fixtures/iccam).
const fixture = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/iccam/report-several-urls.json'), 'utf8'),
) as { reportContents: Array<Record<string, unknown> & { url: Record<string, unknown> }> };

let nextReportId = Date.now() * 1000;

/** The fixture's items, all hosted in France per ICCAM's trace, under a fresh report id. */
function frenchReport() {
  const reportId = nextReportId++;
  const reportContents = fixture.reportContents.map((item) => ({
    ...item,
    url: {
      ...item.url,
      hostingCountryCode: 'FR',
      hostingIpAddress: null,
      hostingOrganization: null,
    },
    assignedCountryCode: 'FR',
  }));
  return { reportId, payload: JSON.stringify({ ...fixture, reportId, reportContents }) };
}

describe('ICCAM intake', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('iccam');
    await stack.start('router', { MAX_MESSAGE_BYTES: String(MAX_BYTES) });
    await stack.start('dispatcher');
  });

  afterAll(async () => {
    await stack.close();
  });

  it('accepts an ICCAM report from referrals.in.iccam.v1 and dispatches it with every hash', async () => {
    const { reportId, payload } = frenchReport();
    const frHotline = await stack.read(stack.topics.outbound('fr-hotline'));
    await stack.produce(stack.topics.iccamIn, [payload]);
    const [dispatch] = await frHotline.until(
      (all) => all.some((m) => m.value.includes(`"${reportId}"`)),
      'the ICCAM dispatch to fr-hotline',
    );
    const body = JSON.parse(dispatch!.value) as {
      referral: { sourceRef: unknown; media: Array<{ hashes: Record<string, string> }> };
    };
    expect(body.referral.sourceRef).toEqual({ system: 'ICCAM', id: String(reportId) });
    const hashes = body.referral.media.flatMap((m) => Object.values(m.hashes)).sort();
    expect(hashes).toEqual(
      [
        '0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6',
        '1f2e3d4c5b6a79881726354453627180a9b8c7d6',
        '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      ].sort(),
    );
    const { rows } = await stack.db.query(
      `SELECT r.format FROM referral r WHERE r.source_system = 'ICCAM' AND r.source_id = $1`,
      [String(reportId)],
    );
    expect(rows).toEqual([{ format: 'iccam' }]);
  });

  it('dead-letters a poison ICCAM report with its reason and keeps consuming', async () => {
    const dlq = await stack.read(stack.topics.deadLetter);
    const poison = JSON.stringify({ ...JSON.parse(frenchReport().payload), reportId: 'seven' });
    const after = frenchReport();
    const offsets = await stack.produce(stack.topics.iccamIn, [poison, after.payload]);
    const isPoison = (l: { value: string }) => {
      const { origin } = JSON.parse(l.value) as { origin: { topic: string; offset: string } };
      return origin.topic === stack.topics.iccamIn && origin.offset === offsets[0];
    };
    const letters = await dlq.until(
      (all) => all.some(isPoison),
      'the dead letter of the poison ICCAM report',
    );
    const letter = letters.find(isPoison)!;
    const record = JSON.parse(letter.value) as {
      reason: { code: string; field: string; detail: string };
    };
    expect(record.reason).toEqual({
      code: 'schema_violation',
      field: '/reportId',
      detail: expect.stringContaining('integer'),
    });
    expect(letter.headers['wissel-dlq-reason']).toBe('schema_violation');
    await eventually(
      async () =>
        (await stack.count(`referral WHERE source_system = 'ICCAM' AND source_id = $1`, [
          String(after.reportId),
        ])) === 1,
      'the valid report after the poison one',
    );
  });
});
