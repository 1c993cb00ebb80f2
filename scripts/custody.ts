/**
 * A referral's chain of custody (docs/chain-of-custody.md):
 *   npm run custody -- export <referralId> [--out <file>]
 *   npm run custody -- verify <file> --jwks <file|url>
 * `export` reads DATABASE_URL, the data keys and Wissel's signing key like the apps, and
 * writes the signed `wissel-custody/1` document (to stdout without --out); the export is
 * recorded in the audit log under the local user's name. `verify` runs the standalone
 * verifier (tools/custody-verify.mjs, the same file handed to third parties) and prints its
 * report. Exit codes: 0 done / verified, 1 failed / not verified, 2 usage.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { EnvelopeCipher } from '@wissel/crypto';
import {
  AuditTrail,
  CustodyRecordReader,
  dataSourceOptions,
  runAsAuditActor,
  SealedReferralRepository,
} from '@wissel/persistence';
import {
  dataKeysFromConfig,
  DispatchPersonalData,
  ExportCustodyUseCase,
  loadWisselKeyring,
  PartnerApiError,
  PersonalDataSealer,
} from '@wissel/pipeline';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = [
  'usage:',
  '  npm run custody -- export <referralId> [--out <file>]',
  '  npm run custody -- verify <file> --jwks <file|url>',
].join('\n');

/** From dist/scripts or scripts alike: the repository's tools folder. */
export const VERIFIER = join(
  __dirname,
  __dirname.includes('/dist/') ? '../..' : '..',
  'tools',
  'custody-verify.mjs',
);

/** Runs one command and returns the exit code; never calls process.exit (tests run it). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, jwks: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`custody: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, target, ...extra] = parsed.positionals;
  if (command === 'export' && target && extra.length === 0 && !parsed.values.jwks) {
    return exportCustody(target, parsed.values.out, io);
  }
  if (command === 'verify' && target && extra.length === 0 && parsed.values.jwks) {
    return verifyCustody(target, parsed.values.jwks, io);
  }
  io.err(USAGE);
  return 2;
}

async function exportCustody(referralId: string, out: string | undefined, io: CliIo) {
  const config = loadConfig(io.env);
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  try {
    await dataSource.initialize();
    const warn = (message: string) => io.err(message);
    const keyring = loadWisselKeyring(
      {
        keyFile: config.SIGNING_KEY_FILE,
        keyId: config.SIGNING_KEY_ID,
        previousKeys: config.SIGNING_PREVIOUS_KEYS,
        devKeyDir: config.SIGNING_DEV_KEY_DIR,
      },
      warn,
    );
    const cipher = new EnvelopeCipher(dataKeysFromConfig(config, warn));
    const sealer = new PersonalDataSealer(cipher);
    const useCase = new ExportCustodyUseCase(
      new CustodyRecordReader(dataSource, new AuditTrail()),
      keyring,
      sealer,
      new DispatchPersonalData(new SealedReferralRepository(dataSource), sealer),
      cipher,
    );
    const document = await runAsAuditActor(`cli:${userInfo().username}`, () =>
      useCase.execute(referralId),
    );
    const text = JSON.stringify(document, null, 2);
    if (out === undefined) io.out(text);
    else {
      writeFileSync(out, `${text}\n`, { mode: 0o600 });
      io.err(`wrote ${out}: verify with node tools/custody-verify.mjs ${out} --jwks <jwks>`);
    }
    return 0;
  } catch (error) {
    io.err(
      error instanceof PartnerApiError && error.kind === 'not_found'
        ? `custody: no referral ${referralId}`
        : `custody export failed: ${(error as Error).message}`,
    );
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function verifyCustody(file: string, jwks: string, io: CliIo): number {
  const run = spawnSync(process.execPath, [VERIFIER, file, '--jwks', jwks], { encoding: 'utf8' });
  if (run.stdout) io.out(run.stdout.trimEnd());
  if (run.stderr) io.err(run.stderr.trimEnd());
  return run.status ?? 1;
}

runCli(module, main);
