/**
 * What-if on the real PostgreSQL: referrals decided by the router are decided again under
 * a candidate routing file, from the facts stored with each decision, and the command
 * reports the shift per recipient with example ids — writing nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../scripts/what-if';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack } from '../support/stack';

describe('what-if: replay stored referrals under a candidate rule set', () => {
  let stack: TestStack;
  const deHosted: string[] = [];
  const nlHosted: string[] = [];

  beforeAll(async () => {
    stack = await TestStack.create('whatif');
    await stack.start('router');
    // No test DNS name resolves, so each referral is placed by its sender's hint.
    const de = [1, 2, 3].map(() => canonicalReferral({ hints: { hostingCountry: 'DE' } }));
    const nl = [1, 2].map(() => canonicalReferral({ hints: { hostingCountry: 'NL' } }));
    await stack.produce(stack.topics.canonicalIn, [...de, ...nl].map(asMessage));
    const ids = await eventually(async () => {
      const { rows } = await stack.db.query<{ id: string; source_id: string }>(
        `SELECT r.id, r.source_id FROM referral r JOIN decision d ON d.referral_id = r.id`,
      );
      return rows.length === 5 ? rows : undefined;
    }, 'five decided referrals');
    const idOf = (sourceId: string) => ids.find((r) => r.source_id === sourceId)!.id;
    deHosted.push(...de.map((r) => idOf(r.sourceRef.id)));
    nlHosted.push(...nl.map((r) => idOf(r.sourceRef.id)));
  });

  afterAll(async () => {
    await stack.close();
  });

  async function whatIf(rulesFile: string, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--rules', rulesFile, ...args], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      // The data keys too: the persons are sealed at rest and count for investigation (W11).
      env: {
        DATABASE_URL: stack.env.DATABASE_URL,
        DATA_KEYS_SOURCE: stack.env.DATA_KEYS_SOURCE,
        WISSEL_KEKS: stack.env.WISSEL_KEKS,
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('shows the German partner’s referrals moving to the international police when it is removed', async () => {
    const { rows: before } = await stack.db.query<{ recipients: string[] }>(
      `SELECT recipients FROM decision WHERE referral_id = ANY($1::uuid[])`,
      [deHosted],
    );
    expect(before.map((r) => r.recipients)).toEqual([
      ['de-hotline'],
      ['de-hotline'],
      ['de-hotline'],
    ]);

    const dir = mkdtempSync(join(tmpdir(), 'what-if-'));
    const candidate = join(dir, 'routing.candidate.yaml');
    const text = readFileSync(ROUTING_CONFIG, 'utf8').replace(/^ {2}de-hotline:.*\n/m, '');
    expect(text).not.toContain('de-hotline');
    writeFileSync(candidate, text);
    const decisionsBefore = await stack.count('decision');

    const { code, out } = await whatIf(candidate, '--json', '--examples', '2');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ referrals: 5, changed: 3 });
    expect(report.recipients).toEqual(
      expect.arrayContaining([
        { recipient: 'de-hotline', current: 3, candidate: 0, delta: -3 },
        { recipient: 'intl-police', current: 0, candidate: 3, delta: 3 },
        { recipient: 'nl-hotline', current: 2, candidate: 2, delta: 0 },
      ]),
    );
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      from: ['de-hotline'],
      to: ['intl-police'],
      count: 3,
    });
    expect(report.changes[0].examples).toHaveLength(2);
    for (const id of report.changes[0].examples) expect(deHosted).toContain(id);
    // A what-if writes nothing.
    expect(await stack.count('decision')).toBe(decisionsBefore);

    const text2 = await whatIf(candidate);
    expect(text2.code).toBe(0);
    expect(text2.out).toMatch(/recipients would change: 3 \(60\.0%\)/);
    expect(text2.out).toMatch(/de-hotline → intl-police/);
    // Examples are ids, never the reported URLs.
    expect(text2.out).not.toMatch(/https?:\/\//);
  });

  it('reports no change under the rules in force, and honours --limit', async () => {
    const { code, out } = await whatIf(ROUTING_CONFIG, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ referrals: 5, changed: 0, changes: [] });

    const limited = JSON.parse((await whatIf(ROUTING_CONFIG, '--json', '--limit', '2')).out);
    expect(limited.referrals).toBe(2);
  });

  it('refuses an invalid candidate file with the reason, and bad usage with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'what-if-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'home: NL\nrecipients: {}\n');
    const refused = await whatIf(broken);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/invalid/);

    expect((await whatIf(ROUTING_CONFIG, '--limit', 'many')).code).toBe(2);
  });
});
