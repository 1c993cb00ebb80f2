/**
 * Partner administration for operators, straight on the database (the same use cases as
 * the gateway's /admin endpoints):
 *
 *   npm run partners -- register <id> --name <name> --source-systems IWF[,OTHER] [--recipients gb-hotline]
 *   npm run partners -- add-key <partnerId> --generate --out <file> [--key-id <id>]
 *   npm run partners -- add-key <partnerId> --public-jwk <file> [--key-id <id>]
 *   npm run partners -- add-key <partnerId> --hmac --generate --out <file> [--key-id <id>]
 *   npm run partners -- add-key <partnerId> --hmac --secret-file <file> [--key-id <id>]
 *   npm run partners -- revoke-key <partnerId> <keyId>
 *   npm run partners -- list
 *
 * A generated private JWK (Ed25519) or secret (HMAC) is written to --out with mode 0600,
 * never printed: hand the file to the partner over a secure channel, then delete it.
 */
import 'reflect-metadata';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig, loadRoutingRules } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { EnvelopeCipher } from '@wissel/crypto';
import { dataSourceOptions, PartnerRepository, runAsAuditActor } from '@wissel/persistence';
import {
  AddPartnerKeyUseCase,
  ListPartnersUseCase,
  PartnerApiError,
  PartnerClock,
  PartnerSecretSealer,
  RegisterPartnerUseCase,
  dataKeysFromConfig,
  RevokePartnerKeyUseCase,
  type AddPartnerKeyCommand,
} from '@wissel/pipeline';
import { cliActor } from './cli-actor';

const USAGE = `usage:
  npm run partners -- register <id> --name <name> --source-systems <system>[,<system>…] [--recipients <recipient>[,<recipient>…]]
  npm run partners -- add-key <partnerId> [--key-id <id>] (--generate --out <file> | --public-jwk <file>)
  npm run partners -- add-key <partnerId> --hmac [--key-id <id>] (--generate --out <file> | --secret-file <file>)
  npm run partners -- revoke-key <partnerId> <keyId>
  npm run partners -- list`;

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    'source-systems': { type: 'string' },
    recipients: { type: 'string' },
    'key-id': { type: 'string' },
    generate: { type: 'boolean' },
    hmac: { type: 'boolean' },
    out: { type: 'string' },
    'public-jwk': { type: 'string' },
    'secret-file': { type: 'string' },
  },
});

function usage(): never {
  console.error(USAGE);
  process.exit(2);
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

async function run(
  partners: PartnerRepository,
  secrets: PartnerSecretSealer,
  rules: RoutingRules,
): Promise<void> {
  const clock = new PartnerClock();
  const [command, first, second] = positionals;
  switch (command) {
    case 'register': {
      if (!first || !flags.name || !flags['source-systems']) usage();
      const partner = await new RegisterPartnerUseCase(partners, rules).execute({
        id: first,
        name: flags.name,
        sourceSystems: list(flags['source-systems']),
        recipients: list(flags.recipients),
      });
      const as = partner.recipients.length > 0 ? `; is ${partner.recipients.join(', ')}` : '';
      console.log(`registered ${partner.id} (${partner.sourceSystems.join(', ')})${as}`);
      return;
    }
    case 'add-key': {
      if (!first) usage();
      const command = addKeyCommand(first);
      // The file is claimed before the key exists: one already there (wx: never overwrite
      // a file someone may rely on) must not leave an active key that nobody holds.
      const out = flags.generate ? openSync(flags.out!, 'wx', 0o600) : undefined;
      try {
        const added = await new AddPartnerKeyUseCase(partners, clock, secrets).execute(command);
        if (out === undefined) {
          console.log(`added ${added.alg} key ${added.keyId} to ${added.partnerId}`);
          return;
        }
        const secret = added.privateJwk ? JSON.stringify(added.privateJwk) : added.secret!;
        writeSync(out, `${secret}\n`);
        console.log(
          `added ${added.alg} key ${added.keyId} to ${added.partnerId}; secret in ${flags.out}`,
        );
      } catch (error) {
        if (out !== undefined) rmSync(flags.out!, { force: true });
        throw error;
      } finally {
        if (out !== undefined) closeSync(out);
      }
      return;
    }
    case 'revoke-key': {
      if (!first || !second) usage();
      await new RevokePartnerKeyUseCase(partners, clock).execute(first, second);
      console.log(`revoked ${second} of ${first}`);
      return;
    }
    case 'list': {
      for (const p of await new ListPartnersUseCase(partners).execute()) {
        console.log(
          `${p.id}\t${p.status}\t${p.name}\t[${p.sourceSystems.join(', ')}]\t[${p.recipients.join(', ')}]`,
        );
        for (const k of p.keys) {
          console.log(
            `  ${k.keyId}\t${k.alg}\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}`,
          );
        }
      }
      return;
    }
    default:
      usage();
  }
}

function addKeyCommand(partnerId: string): AddPartnerKeyCommand {
  const keyId = flags['key-id'];
  const alg = flags.hmac ? 'hmac-sha256' : 'ed25519';
  if (flags.generate) {
    if (!flags.out) usage();
    return { partnerId, keyId, alg, generate: true };
  }
  if (alg === 'ed25519') {
    if (!flags['public-jwk']) usage();
    const jwk = JSON.parse(readFileSync(flags['public-jwk'], 'utf8')) as Record<string, string>;
    if (jwk.d !== undefined) throw new Error('this JWK holds a private key; give the public one');
    return { partnerId, keyId, alg, publicJwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! } };
  }
  if (!flags['secret-file']) usage();
  const text = readFileSync(flags['secret-file'], 'utf8').trim();
  return { partnerId, keyId, alg, secret: Buffer.from(text, 'base64url') };
}

async function main(): Promise<void> {
  if (positionals.length === 0) usage();
  // The use cases' info logs are for the gateway; here each command prints its own line.
  Logger.overrideLogger(['warn', 'error']);
  const config = loadConfig();
  // Declared recipients are checked against the routing rules, as in the gateway.
  const rules = loadRoutingRules(config.ROUTING_CONFIG);
  // HMAC secrets are sealed with the data keys before they are stored, as in the gateway.
  const secrets = new PartnerSecretSealer(
    new EnvelopeCipher(dataKeysFromConfig(config, (message) => console.error(message))),
  );
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL));
  await dataSource.initialize();
  try {
    // Audited under the operator's name (the same events as the /admin endpoints write).
    await runAsAuditActor(cliActor(), () => run(new PartnerRepository(dataSource), secrets, rules));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof PartnerApiError
      ? `${error.code}: ${error.detail}`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`partners failed: ${message}`);
  process.exit(1);
});
