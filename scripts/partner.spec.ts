// The CLI run in-process through its exported main(), against a real verifying HTTP server.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalJson,
  Ed25519PublicJwk,
  generateEd25519KeyPair,
  signJson,
  VerificationKey,
} from '@wissel/signing';
import { wisselSignatureHeaders } from '@wissel/partner-client';
import { startVerifyingServer, VerifyingServer } from '../libs/partner-client/src/verifying-server';
import { main } from './partner';

let dir: string;
let server: VerifyingServer;
const keys: Record<string, VerificationKey[]> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'partner-cli-'));
  server = await startVerifyingServer({ keys });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('partner CLI', () => {
  it('keygen writes a 0600 private JWK and prints the public one; submit signs with it', async () => {
    const keyDir = join(dir, 'keys');
    const keygen = await run('keygen', '--out', keyDir, '--key-id', 'iwf-2026-01');
    expect(keygen.code).toBe(0);
    const printed = JSON.parse(keygen.out) as Ed25519PublicJwk;
    expect(printed).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'iwf-2026-01' });
    expect(printed).not.toHaveProperty('d');
    const privatePath = join(keyDir, 'iwf-2026-01.private.jwk.json');
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(keyDir, 'iwf-2026-01.public.jwk.json'), 'utf8'))).toEqual(
      printed,
    );
    expect((await run('keygen', '--out', keyDir, '--key-id', 'iwf-2026-01')).code).toBe(1); // no overwrite

    keys['iwf-2026-01'] = [{ alg: 'ed25519', publicKey: printed }]; // the operator registers it
    const file = join(dir, 'referral.xml');
    writeFileSync(file, '<report id="1"/>\n');
    const common = ['--url', server.baseUrl, '--key-id', 'iwf-2026-01', '--key', privatePath];
    const submit = await run('submit', ...common, '--content-type', 'application/xml', file);
    expect(submit.code).toBe(0);
    expect(JSON.parse(submit.out)).toMatchObject({
      status: 200,
      body: {
        contentType: 'application/xml',
        bodySha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      },
    });

    const status = await run('status', ...common, 'r-42');
    expect(JSON.parse(status.out)).toMatchObject({
      status: 200,
      body: { target: '/v1/referrals/r-42' },
    });
    const list = await run('list', ...common, '--since', '2026-01-01T00:00:00Z', '--limit', '5');
    expect(JSON.parse(list.out)).toMatchObject({
      body: { target: '/v1/referrals?since=2026-01-01T00%3A00%3A00Z&limit=5' },
    });

    const refused = await run(
      'submit',
      ...common.slice(0, 2),
      '--key-id',
      'someone-else',
      '--key',
      privatePath,
      file,
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({
      status: 401,
      body: { code: 'signature_invalid' },
    });
  });

  it('submit picks the Content-Type from --format, else the file name or its content', async () => {
    const keyDir = join(dir, 'format-keys');
    const keygen = await run('keygen', '--out', keyDir, '--key-id', 'ncmec-1');
    keys['ncmec-1'] = [{ alg: 'ed25519', publicKey: JSON.parse(keygen.out) as Ed25519PublicJwk }];
    const common = [
      ...['--url', server.baseUrl, '--key-id', 'ncmec-1'],
      ...['--key', join(keyDir, 'ncmec-1.private.jwk.json')],
    ];
    const write = (name: string, body: string) => {
      writeFileSync(join(dir, name), body);
      return join(dir, name);
    };
    const xml = write('report.xml', '<cyberTiplineReferral/>');
    const xmlNoExtension = write('report', '\n <cyberTiplineReferral/>');
    const iccam = write('iccam.json', '{"reportId": 1, "reportContents": []}');
    const xarf = write('xarf.json', '{"xarf_version": "4.2.0"}');
    const canonical = write('canonical.json', '{"schema": "wissel.referral/2"}');
    const typeOf = async (...argv: string[]) => {
      const result = await run('submit', ...common, ...argv);
      expect(result.code).toBe(0);
      return (JSON.parse(result.out) as { body: { contentType: string } }).body.contentType;
    };
    expect(await typeOf('--format', 'cybertip', canonical)).toBe('application/xml');
    expect(await typeOf('--format', 'iccam', canonical)).toBe('application/vnd.iccam.report+json');
    expect(await typeOf(xml)).toBe('application/xml');
    expect(await typeOf(xmlNoExtension)).toBe('application/xml');
    expect(await typeOf(iccam)).toBe('application/vnd.iccam.report+json');
    expect(await typeOf(xarf)).toBe('application/vnd.xarf+json');
    expect(await typeOf(canonical)).toBe('application/json');
    expect(await typeOf('--content-type', 'text/xml', xml)).toBe('text/xml');

    for (const argv of [
      ['--format', 'pdf', xml],
      ['--format', 'cybertip', '--content-type', 'text/xml', xml],
    ]) {
      const refused = await run('submit', ...common, ...argv);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/--format/);
    }
  });

  it('verify checks {headers, value} files, JSON lines, and raw values with flags', async () => {
    const wissel = generateEd25519KeyPair('wissel-2026-01');
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [wissel.publicJwk] }));
    const value = { schema: 'wissel.dispatch/1', dispatchId: 'd-1' };
    const signed = signJson(value, wissel.privateKey, 'wissel-2026-01');
    const message = { headers: wisselSignatureHeaders(signed), value: canonicalJson(value) };

    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(message));
    expect(await run('verify', '--jwks', jwksFile, good)).toMatchObject({
      code: 0,
      out: 'ok: signed by Wissel key "wissel-2026-01"',
    });

    const lines = join(dir, 'tail.jsonl');
    const changed = { ...message, value: canonicalJson({ ...value, dispatchId: 'd-2' }) };
    writeFileSync(lines, `${JSON.stringify(message)}\n${JSON.stringify(changed)}\n`);
    const mixed = await run('verify', '--jwks', jwksFile, lines);
    expect(mixed.code).toBe(1);
    expect(mixed.out).toMatch(/^message 1: ok.*\nmessage 2: refused: signature_invalid: /);

    const raw = join(dir, 'value.json');
    writeFileSync(raw, canonicalJson(value));
    // `=` form: a base64url signature may begin with '-', which would read as a flag.
    const flags = ['--key-id', 'wissel-2026-01', `--signature=${signed.signature}`];
    expect((await run('verify', '--jwks', jwksFile, ...flags, raw)).code).toBe(0);
    writeFileSync(raw, canonicalJson({ ...value, extra: 1 }));
    expect((await run('verify', '--jwks', jwksFile, ...flags, raw)).code).toBe(1);
  });

  it('answers a usage error with exit code 2 and the usage', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['submit', '--url', 'http://x', 'f'],
      ['keygen', '--bogus'],
    ]) {
      const result = await run(...argv);
      expect(result.code).toBe(2);
      expect(result.err).toContain('usage:');
    }
  });
});
