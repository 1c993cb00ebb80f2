/**
 * The audit log (docs/audit-log.md):
 *   npm run audit -- verify [--grace-seconds <n>]   walks the hash chain, recomputing every hash
 *   npm run audit -- list --subject <id> [--limit <n>]   the events about one id, oldest first
 *   npm run audit -- seal                            seals committed events now
 * verify prints "chain intact: N entries" (exit 0; "…, after the first P pruned" once the
 * retention purge pruned the oldest part: the walk starts at its anchor), or
 * "broken at seq N (entry id …): expected …, found …" (exit 3), or the unsealed events older than the grace (exit 4).
 * Exit codes: 0 fine, 1 failed, 2 usage, 3 chain broken, 4 events left unsealed.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { AuditChainRepository, dataSourceOptions } from '@wissel/persistence';
import { SealAuditChainUseCase, VerifyAuditChainUseCase } from '@wissel/pipeline';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = [
  'usage:',
  '  npm run audit -- verify [--grace-seconds <n>]',
  '  npm run audit -- list --subject <id> [--limit <n>]',
  '  npm run audit -- seal',
].join('\n');

class UsageError extends Error {}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let command: string | undefined;
  let subject: string | undefined;
  let limit = 1000;
  let graceMs = 5 * 60_000;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        subject: { type: 'string' },
        limit: { type: 'string' },
        'grace-seconds': { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    [command] = positionals;
    if (positionals.length !== 1 || !['verify', 'list', 'seal'].includes(command ?? '')) {
      throw new UsageError('');
    }
    if (command === 'list') {
      if (!values.subject) throw new UsageError('list needs --subject <id>');
      subject = values.subject;
      if (values.limit !== undefined) limit = positiveInt(values.limit, '--limit');
    }
    if (values['grace-seconds'] !== undefined) {
      graceMs = positiveInt(values['grace-seconds'], '--grace-seconds', true) * 1000;
    }
  } catch (error) {
    if (error instanceof Error && error.message) io.err(`audit: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  const dataSource = new DataSource(dataSourceOptions(loadConfig(io.env).DATABASE_URL));
  try {
    await dataSource.initialize();
    const chain = new AuditChainRepository(dataSource);
    if (command === 'seal') {
      io.out(`sealed ${await new SealAuditChainUseCase(chain).execute()} event(s)`);
      return 0;
    }
    if (command === 'list') {
      const events = await chain.bySubject(subject!, limit);
      for (const e of events) {
        io.out(
          JSON.stringify({
            seq: e.seq,
            id: e.id,
            occurredAt: e.occurredAt.toISOString(),
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            details: e.details,
          }),
        );
      }
      io.err(`${events.length} event(s)`);
      return 0;
    }
    const verdict = await new VerifyAuditChainUseCase(chain).execute({ unsealedGraceMs: graceMs });
    const pruned = verdict.from ? `, after the first ${verdict.from.prunedEvents} pruned` : '';
    if (verdict.intact) {
      io.out(`chain intact: ${verdict.entries} entries${pruned}`);
      return 0;
    }
    if ('broken' in verdict) {
      const b = verdict.broken;
      io.out(
        `broken at seq ${b.seq} (entry id ${b.eventId}): ${b.reason}: expected ${b.expected}, found ${b.found}`,
      );
      return 3;
    }
    io.out(
      `chain intact: ${verdict.entries} entries${pruned}, but ${verdict.unsealed.count} event(s) older than ${graceMs / 1000} s are not sealed (first id ${verdict.unsealed.firstId}): is a gateway running?`,
    );
    return 4;
  } catch (error) {
    io.err(`audit ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function positiveInt(value: string, name: string, zero = false): number {
  if (!/^\d{1,9}$/.test(value) || (!zero && Number(value) === 0)) {
    throw new UsageError(`${name} must be a ${zero ? 'non-negative' : 'positive'} integer`);
  }
  return Number(value);
}

runCli(module, main);
