/**
 * The data keys that seal personal data and partners' HMAC secrets at rest
 * (docs/data-protection.md):
 *   npm run keys -- status          which KEK the stored values are wrapped under, plaintext left
 *   npm run keys -- seal-existing   seal what was stored before sealing (persons, raw payloads,
 *                                   HMAC secrets)
 *   npm run keys -- rewrap          rewrap every value to the current KEK (after a rotation)
 *   npm run keys -- generate [--id <id>]   print a new KEK entry for WISSEL_KEKS or the key file
 * Reads DATABASE_URL and the DATA_KEYS_* settings like the apps. Output is JSON: key ids and
 * counts, never keys (except `generate`, which prints the new key for the operator to store).
 * Exit codes: 0 done, 1 failed, 2 usage.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { EnvelopeCipher, KEY_ID_PATTERN } from '@wissel/crypto';
import {
  AuditTrail,
  dataSourceOptions,
  InboundDeadLetterRepository,
  PartnerRepository,
  SealedReferralRepository,
} from '@wissel/persistence';
import {
  dataKeysFromConfig,
  PartnerSecretSealer,
  PartnerSecretsAtRestUseCase,
  PersonalDataSealer,
  RewrapDataKeysUseCase,
  SealExistingUseCase,
} from '@wissel/pipeline';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = 'usage: npm run keys -- (status | seal-existing | rewrap | generate [--id <id>])';
const COMMANDS = ['status', 'seal-existing', 'rewrap', 'generate'];

/** Runs one command and returns the exit code; never calls process.exit (tests run it). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let command: string | undefined;
  let id: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { id: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    [command] = positionals;
    id = values.id;
    if (positionals.length !== 1 || !COMMANDS.includes(command!)) throw new Error('');
    if (id !== undefined && (command !== 'generate' || !KEY_ID_PATTERN.test(id))) {
      throw new Error('--id goes with generate and holds 1-64 letters, digits, "_" and "-"');
    }
  } catch (error) {
    if (error instanceof Error && error.message) io.err(`keys: ${error.message}`);
    io.err(USAGE);
    return 2;
  }
  if (command === 'generate') {
    const keyId = id ?? new Date().toISOString().slice(0, 7);
    const key = randomBytes(32).toString('base64');
    io.out(JSON.stringify({ id: keyId, key, env: `${keyId}:${key}` }));
    return 0;
  }
  const config = loadConfig(io.env);
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  try {
    const keys = dataKeysFromConfig(config, (message) => io.err(message));
    const cipher = new EnvelopeCipher(keys);
    await dataSource.initialize();
    const rows = new SealedReferralRepository(dataSource);
    const partnerSecrets = new PartnerSecretsAtRestUseCase(
      new PartnerRepository(dataSource),
      new PartnerSecretSealer(cipher),
      cipher,
    );
    if (command === 'seal-existing') {
      const report = await new SealExistingUseCase(rows, new PersonalDataSealer(cipher)).execute();
      const hmacSecrets = await partnerSecrets.sealClear();
      io.out(
        JSON.stringify({
          sealed: { ...report, hmacSecrets },
          plaintextLeft: await rows.plaintextCount(),
        }),
      );
    } else if (command === 'rewrap') {
      // Secrets first: the referral report's usage then counts them under the new KEK.
      const hmacSecrets = await partnerSecrets.rewrap(keys.current().id);
      const report = await new RewrapDataKeysUseCase(
        rows,
        cipher,
        new InboundDeadLetterRepository(dataSource, new AuditTrail()),
      ).execute(keys.current().id);
      io.out(JSON.stringify({ ...report, hmacSecrets }));
    } else {
      io.out(
        JSON.stringify({
          currentKeyId: keys.current().id,
          configuredKeyIds: keys.ids(),
          usage: await rows.keyUsage(),
          plaintextLeft: await rows.plaintextCount(),
        }),
      );
    }
    return 0;
  } catch (error) {
    io.err(`keys ${command} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

runCli(module, (argv) => main(argv));
