/**
 * The partner CLI: a thin shell over @wissel/partner-client (see its README); the commands
 * are listed in USAGE below. Exit codes: 0 success, 1 refused or failed (a non-2xx answer,
 * a bad signature), 2 usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  fetchJwks,
  generatePartnerKey,
  guessContentType,
  isSubmissionFormat,
  Jwks,
  loadSigningKey,
  parseJwks,
  PartnerClient,
  PartnerResponse,
  SUBMISSION_CONTENT_TYPES,
  verifyWisselMessage,
  WISSEL_SIGNATURE_HEADERS,
} from '@wissel/partner-client';
import { processIo, runCli, type CliIo } from './cli-io';

const USAGE = [
  'usage:',
  '  npm run partner -- keygen --out <dir> [--key-id <id>]',
  '  npm run partner -- submit --url <base> --key-id <id> --key <file> [--format <f> | --content-type <type>] <file>',
  '  npm run partner -- status --url <base> --key-id <id> --key <file> <referral-id>',
  '  npm run partner -- list   --url <base> --key-id <id> --key <file> [--since <iso>] [--cursor <c>] [--limit <n>]',
  '  npm run partner -- verify --jwks <url-or-file> <message-file>',
  '  npm run partner -- verify --jwks <url-or-file> --key-id <id> --signature=<sig> <value-file>',
  '--url, --key-id and --key fall back to WISSEL_URL, WISSEL_KEY_ID and WISSEL_KEY.',
  `--format is one of ${Object.keys(SUBMISSION_CONTENT_TYPES).join(', ')}; without it or --content-type,`,
  'a .xml file or one starting with "<" is cybertip, JSON with xarf_version xarf, with reportContents iccam.',
].join('\n');

class UsageError extends Error {}

const OPTIONS = {
  out: { type: 'string' },
  url: { type: 'string' },
  'key-id': { type: 'string' },
  key: { type: 'string' },
  'content-type': { type: 'string' },
  format: { type: 'string' },
  since: { type: 'string' },
  cursor: { type: 'string' },
  limit: { type: 'string' },
  jwks: { type: 'string' },
  signature: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

/** Runs one command and returns the exit code; never calls process.exit (tests run it). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) throw new UsageError('');
    switch (command) {
      case 'keygen':
        return keygen(values, io);
      case 'submit': {
        const partner = client(values, io); // flags first: a usage error beats a missing file
        const file = one(rest, '<file>');
        const type = requestedContentType(values);
        const body = readFileSync(file);
        return printed(await partner.submit(body, type ?? guessContentType(body, file)), io);
      }
      case 'status':
        return printed(await client(values, io).status(one(rest, '<referral-id>')), io);
      case 'list': {
        const limit = values.limit === undefined ? undefined : Number(values.limit);
        if (limit !== undefined && !Number.isSafeInteger(limit))
          throw new UsageError('--limit must be an integer');
        none(rest);
        return printed(
          await client(values, io).list({ since: values.since, cursor: values.cursor, limit }),
          io,
        );
      }
      case 'verify':
        return await verify(values, one(rest, '<message-file>'), io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    if (message !== '') io.err(`partner: ${message}${cause}`);
    if (usage) io.err(USAGE);
    return usage ? 2 : 1;
  }
}

function keygen(values: Values, io: CliIo): number {
  const dir = required(values.out, '--out <dir>');
  const keyId = values['key-id'];
  if (keyId !== undefined && !/^[A-Za-z0-9._-]{1,100}$/.test(keyId)) {
    throw new UsageError(
      '--key-id may hold letters, digits, ".", "_" and "-" (it names the files)',
    );
  }
  const generated = generatePartnerKey(keyId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, `${generated.keyId}.private.jwk.json`);
  const publicPath = join(dir, `${generated.keyId}.public.jwk.json`);
  // 'wx': never overwrite a key someone may still be using.
  writeFileSync(privatePath, `${JSON.stringify(generated.privateJwk, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicPath, `${JSON.stringify(generated.publicJwk, null, 2)}\n`, {
    mode: 0o644,
    flag: 'wx',
  });
  io.out(JSON.stringify(generated.publicJwk, null, 2));
  io.err(`private key: ${privatePath} (mode 0600; keep it secret, never send it)`);
  io.err(`public key:  ${publicPath}`);
  io.err(
    `give the public JWK above to the Wissel operator to register as key id "${generated.keyId}"`,
  );
  return 0;
}

function client(values: Values, io: CliIo): PartnerClient {
  return new PartnerClient({
    baseUrl: required(values.url ?? io.env.WISSEL_URL, '--url <base> (or WISSEL_URL)'),
    keyId: required(values['key-id'] ?? io.env.WISSEL_KEY_ID, '--key-id <id> (or WISSEL_KEY_ID)'),
    key: loadSigningKey(required(values.key ?? io.env.WISSEL_KEY, '--key <file> (or WISSEL_KEY)')),
  });
}

/** The Content-Type --format or --content-type asks for (not both), if any. */
function requestedContentType(values: Values): string | undefined {
  const format = values.format;
  if (format === undefined) return values['content-type'];
  if (values['content-type'] !== undefined) {
    throw new UsageError('give --format or --content-type, not both');
  }
  if (!isSubmissionFormat(format)) {
    throw new UsageError(
      `--format must be one of ${Object.keys(SUBMISSION_CONTENT_TYPES).join(', ')}`,
    );
  }
  return SUBMISSION_CONTENT_TYPES[format];
}

function printed(response: PartnerResponse, io: CliIo): number {
  io.out(JSON.stringify({ status: response.status, body: response.body }, null, 2));
  return response.status >= 200 && response.status < 300 ? 0 : 1;
}

/**
 * With --signature, the file is the message value itself and the flags are its headers.
 * Otherwise it holds one message as JSON {headers, value}, or JSON lines of them (what
 * `npm run kafka -- tail` prints); each is verified and all must pass.
 */
async function verify(values: Values, file: string, io: CliIo): Promise<number> {
  const source = required(values.jwks, '--jwks <url-or-file>');
  const jwks: Jwks = /^https?:\/\//i.test(source)
    ? await fetchJwks(source)
    : parseJwks(readFileSync(source, 'utf8'), source);
  const messages = values.signature === undefined ? readMessages(file) : [rawMessage(values, file)];
  let failures = 0;
  messages.forEach((message, index) => {
    const where = messages.length > 1 ? `message ${index + 1}: ` : '';
    const result = verifyWisselMessage(message, jwks);
    if (result.ok) io.out(`${where}ok: signed by Wissel key "${result.keyId}"`);
    else {
      failures += 1;
      io.out(`${where}refused: ${result.code}: ${result.detail}`);
    }
  });
  return failures === 0 ? 0 : 1;
}

function readMessages(file: string): object[] {
  const text = readFileSync(file, 'utf8');
  try {
    return [JSON.parse(text) as object];
  } catch {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return lines.map((line, index) => {
      try {
        return JSON.parse(line) as object;
      } catch {
        throw new Error(
          `${file}: line ${index + 1} is not JSON; expected {"headers", "value"} per line`,
        );
      }
    });
  }
}

function rawMessage(values: Values, file: string): object {
  return {
    headers: {
      [WISSEL_SIGNATURE_HEADERS.signature]: values.signature,
      [WISSEL_SIGNATURE_HEADERS.keyId]: required(
        values['key-id'],
        '--key-id <id> with --signature',
      ),
      [WISSEL_SIGNATURE_HEADERS.alg]: 'ed25519',
    },
    value: readFileSync(file),
  };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

function one(rest: string[], what: string): string {
  if (rest.length !== 1) throw new UsageError(`expected one ${what}, got ${rest.length}`);
  return rest[0] as string;
}

function none(rest: string[]): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
}

runCli(module, main);
