/**
 * What-if: decides the stored referrals again under a candidate routing file and prints
 * what would change, before an operator puts the file in force:
 *   npm run what-if -- --rules <candidate.yaml> [--since <iso>] [--limit <n>] [--examples <n>] [--json]
 * Reads DATABASE_URL like the apps; writes nothing. Examples are referral ids (never URLs):
 * read one with the operator API (GET /admin/referrals/{id}/decision).
 * Exit codes: 0 done, 1 failed (unreadable rules, database down), 2 usage.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig, loadRoutingRules } from '@wissel/config';
import { type RoutingRules, type WhatIfReport } from '@wissel/domain';
import { dataSourceOptions, DecidedReferralReader } from '@wissel/persistence';
import { EnvelopeCipher } from '@wissel/crypto';
import { dataKeysFromConfig, PersonalDataSealer, WhatIfUseCase } from '@wissel/pipeline';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE =
  'usage: npm run what-if -- --rules <candidate.yaml> [--since <iso>] [--limit <n>] [--examples <n>] [--json]';

/** Runs the command and returns the exit code; never calls process.exit (tests run it). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rules: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        examples: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const since = values.since === undefined ? undefined : new Date(values.since);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const examples = values.examples === undefined ? 3 : Number(values.examples);
  if (
    !values.rules ||
    (since && Number.isNaN(since.getTime())) ||
    (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) ||
    !(Number.isInteger(examples) && examples >= 0)
  ) {
    io.err(USAGE);
    return 2;
  }

  let candidate: RoutingRules;
  try {
    candidate = loadRoutingRules(values.rules);
  } catch (error) {
    io.err(`what-if: ${(error as Error).message}`);
    return 1;
  }
  const config = loadConfig(io.env);
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  try {
    await dataSource.initialize();
    // The persons count for the investigation jurisdiction: opened with the data keys (W11).
    const sealer = new PersonalDataSealer(
      new EnvelopeCipher(dataKeysFromConfig(config, (message) => io.err(message))),
    );
    const report = await new WhatIfUseCase(new DecidedReferralReader(dataSource), sealer).execute(
      candidate,
      { since, limit, examplesPerChange: examples },
    );
    if (values.json) io.out(JSON.stringify({ candidate: candidate.version, ...report }, null, 2));
    else printReport(report, candidate.version, io.out);
    return 0;
  } catch (error) {
    io.err(`what-if failed: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function printReport(report: WhatIfReport, candidate: string, out: (line: string) => void): void {
  const versions = Object.entries(report.currentVersions)
    .map(([version, n]) => `${version} (${n})`)
    .join(', ');
  out(`referrals decided again: ${report.referrals}`);
  out(`rules in force:          ${versions || '-'}`);
  out(`candidate rules:         ${candidate}`);
  const share = report.referrals ? ((100 * report.changed) / report.referrals).toFixed(1) : '0.0';
  out(`recipients would change: ${report.changed} (${share}%)`);
  out(`only the rule changes:   ${report.ruleChanged}`);
  out('');
  const width = Math.max(9, ...report.recipients.map((r) => r.recipient.length));
  out(`${'recipient'.padEnd(width)}  ${'now'.padStart(8)}  ${'candidate'.padStart(9)}  delta`);
  for (const r of report.recipients) {
    const delta = r.delta > 0 ? `+${r.delta}` : String(r.delta);
    out(
      `${r.recipient.padEnd(width)}  ${String(r.current).padStart(8)}  ${String(r.candidate).padStart(9)}  ${delta}`,
    );
  }
  if (report.changes.length === 0) return;
  out('');
  out('changes (recipients now → under the candidate), with example referral ids:');
  for (const change of report.changes) {
    const from = change.from.join('+') || '(none)';
    const to = change.to.join('+') || '(none)';
    out(
      `  ${String(change.count).padStart(6)}  ${from} → ${to}   e.g. ${change.examples.join(', ')}`,
    );
  }
}

runCli(module, main);
