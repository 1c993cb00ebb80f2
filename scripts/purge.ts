/**
 * The retention purge by hand (docs/data-protection.md); the router also runs it every
 * PURGE_INTERVAL_MS:
 *   npm run purge -- --dry-run   count what is past its retention, change nothing
 *   npm run purge -- --now       anonymise and delete it now (statistics kept)
 * Reads DATABASE_URL and the RETENTION_* settings like the apps. Output is one JSON line
 * of counts per data class and the classes that failed (`failed`). Exit codes: 0 done, 1 a
 * class (or the whole run) failed, 2 usage.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { Topics } from '@wissel/messaging';
import {
  AuditChainRepository,
  AuditTrail,
  dataSourceOptions,
  RetentionRepository,
} from '@wissel/persistence';
import { PurgeExpiredDataUseCase, RetentionClock } from '@wissel/pipeline';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = 'usage: npm run purge -- (--dry-run | --now)';

/** Runs the purge and returns the exit code; `clock` lets tests move time. */
export async function main(
  argv: string[],
  io: CliIo = processIo(),
  clock: RetentionClock = new RetentionClock(),
): Promise<number> {
  let dryRun: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { 'dry-run': { type: 'boolean' }, now: { type: 'boolean' } },
      strict: true,
    });
    if (Boolean(values['dry-run']) === Boolean(values.now)) throw new Error('');
    dryRun = Boolean(values['dry-run']);
  } catch (error) {
    if (error instanceof Error && error.message) io.err(`purge: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  const config = loadConfig(io.env);
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  try {
    await dataSource.initialize();
    const purge = new PurgeExpiredDataUseCase(
      config,
      new RetentionRepository(dataSource, new AuditTrail()),
      new Topics(config.KAFKA_TOPIC_PREFIX),
      clock,
      new AuditChainRepository(dataSource, new AuditTrail()),
    );
    const report = await purge.execute({ dryRun });
    io.out(JSON.stringify({ dryRun, at: clock.now().toISOString(), ...report }));
    // The other classes ran; the report lists those that failed (their error codes logged).
    if (report.failed.length > 0) {
      io.err(`purge failed for: ${report.failed.join(', ')}`);
      return 1;
    }
    return 0;
  } catch (error) {
    io.err(`purge failed: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

runCli(module, (argv) => main(argv));
