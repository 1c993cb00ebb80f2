/**
 * The executable attack table: each attack is an attempt, the answer Wissel must give, and
 * a function that makes the attempt against a running Wissel and says what it observed, in
 * the same words as the expected answer. The e2e suite asserts each; `npm run attack` also
 * writes the table of the run to docs/security/attack-table.md.
 */
import { writeFileSync } from 'node:fs';

export interface Attack {
  /** Which finding or control it belongs to, e.g. "V1" or "API8". */
  area: string;
  attempt: string;
  expected: string;
  run: () => Promise<string>;
}

export interface AttackResult {
  area: string;
  attempt: string;
  expected: string;
  observed: string;
}

/** `401 signature_invalid`, or `422 referral_invalid/unknown_property` when a reason is given. */
export function answerOf(status: number, body: unknown): string {
  const problem = (body ?? {}) as { code?: unknown; reason?: unknown };
  const code = typeof problem.code === 'string' ? ` ${problem.code}` : '';
  const reason = typeof problem.reason === 'string' ? `/${problem.reason}` : '';
  return `${status}${code}${reason}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function attackTableMarkdown(results: AttackResult[], ranAt: Date): string {
  const failed = results.filter((r) => r.observed !== r.expected).length;
  const rows = results.map(
    (r, i) =>
      `| ${i + 1} | ${r.area} | ${cell(r.attempt)} | ${cell(r.expected)} | ${cell(r.observed)} | ${r.observed === r.expected ? 'as expected' : '**NOT AS EXPECTED**'} |`,
  );
  return [
    '# Attack table — the last run',
    '',
    `Written by \`npm run attack\` (test/e2e/attack-table.e2e-spec.ts) on ${ranAt.toISOString().slice(0, 10)},`,
    'against the built all-in-one app on its own embedded PostgreSQL, over real HTTP. `npm test`',
    'runs the same attacks and fails on any row whose observed answer is not the expected one.',
    'V1–V10 are the findings of the security review (see owasp-api-top10.md); the other rows are',
    'the attacks that were already refused, kept so that they stay refused.',
    '',
    `${results.length} attacks, ${results.length - failed} as expected, ${failed} not.`,
    '',
    '| # | area | attempt | expected | observed | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Prints the table to stdout and, when ATTACK_TABLE_OUT names a file, writes it there. */
export function publishAttackTable(results: AttackResult[]): void {
  const markdown = attackTableMarkdown(results, new Date());
  process.stdout.write(`\n${markdown}\n`);
  const out = process.env.ATTACK_TABLE_OUT;
  if (out) writeFileSync(out, markdown);
}
