/**
 * Operators' view of dispatches the relay gave up on (docs/delivery.md):
 *   npm run dispatches -- list-dead [--recipient <id>]
 *   npm run dispatches -- replay (--id <dispatchId> | --recipient <id> | --all)
 * A replay makes dead-lettered dispatches due again with fresh attempts; it never touches a
 * dispatch that was delivered, so nothing is delivered twice by replaying. Output is JSON
 * lines of ids, recipients and reasons (never the referral, which holds reported URLs).
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import {
  dataSourceOptions,
  DispatchDeadLetterRepository,
  runAsAuditActor,
  type ReplaySelection,
} from '@wissel/persistence';
import { cliActor } from './cli-actor';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = [
  'usage:',
  '  npm run dispatches -- list-dead [--recipient <id>]',
  '  npm run dispatches -- replay (--id <dispatchId> | --recipient <id> | --all)',
].join('\n');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class UsageError extends Error {}

/** Runs one command and returns the exit code; never calls process.exit (tests run it). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let command: string | undefined;
  let selection: ReplaySelection | undefined;
  let recipient: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        id: { type: 'string' },
        recipient: { type: 'string' },
        all: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    [command] = positionals;
    if (positionals.length !== 1) throw new UsageError('');
    recipient = values.recipient;
    if (command === 'replay') selection = replaySelection(values);
    else if (command !== 'list-dead' || values.id || values.all) throw new UsageError('');
  } catch (error) {
    if (error instanceof Error && error.message) io.err(`dispatches: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  const dataSource = new DataSource(dataSourceOptions(loadConfig(io.env).DATABASE_URL));
  try {
    await dataSource.initialize();
    const deadLetters = new DispatchDeadLetterRepository(dataSource);
    if (selection) {
      const replayed = await runAsAuditActor(cliActor(io.env), () =>
        deadLetters.replay(selection!),
      );
      for (const row of replayed)
        io.out(JSON.stringify({ replayed: row.dispatchId, recipient: row.recipientId }));
      io.err(`${replayed.length} dispatch(es) replayed`);
    } else {
      const rows = await deadLetters.list(recipient);
      for (const row of rows) io.out(JSON.stringify(row));
      io.err(`${rows.length} dead-lettered dispatch(es)`);
    }
    return 0;
  } catch (error) {
    io.err(
      `dispatches ${command} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function replaySelection(values: {
  id?: string;
  recipient?: string;
  all?: boolean;
}): ReplaySelection {
  const given = [values.id, values.recipient, values.all].filter((v) => v !== undefined);
  if (given.length !== 1)
    throw new UsageError('replay takes exactly one of --id, --recipient, --all');
  if (values.id !== undefined) {
    if (!UUID.test(values.id)) throw new UsageError('--id must be a dispatch id (a UUID)');
    return { dispatchId: values.id };
  }
  if (values.recipient !== undefined) return { recipientId: values.recipient };
  return { all: true };
}

runCli(module, main);
