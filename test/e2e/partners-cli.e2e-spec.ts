/**
 * `npm run partners` as an operator runs it: the built script (npm test builds dist/ before
 * the e2e run) against this file's own database.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestStack } from '../support/stack';

const SCRIPT = join(__dirname, '../../dist/scripts/partners.js');

describe('partners CLI', () => {
  let stack: TestStack;
  const dir = mkdtempSync(join(tmpdir(), 'wissel-partners-'));

  const partners = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT, ...args],
        { env: { ...process.env, ...stack.env } },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
      );
    });

  beforeAll(async () => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run \`npm run build\` first`);
    stack = await TestStack.create('partners_cli', { messaging: 'postgres' });
    const registered = await partners(
      'register',
      'cli-p',
      '--name',
      'CLI',
      '--source-systems',
      'CLI-P',
    );
    expect(registered.code).toBe(0);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('links a partner to the recipients it is, and refuses a link that blurs who is who', async () => {
    const linked = await partners(
      'register',
      'cli-gb',
      '--name',
      'GB',
      '--source-systems',
      'CLI-GB',
      '--recipients',
      'gb-hotline',
    );
    expect(linked).toMatchObject({ code: 0, out: expect.stringContaining('is gb-hotline') });
    expect((await partners('list')).out).toMatch(/^cli-gb\t.*\t\[gb-hotline\]$/m);

    const unlinked = await partners(
      'register',
      'de-hotline',
      '--name',
      'DE',
      '--source-systems',
      'CLI-DE',
    );
    expect(unlinked.code).toBe(1);
    expect(unlinked.err).toMatch(/partner_recipient_unlinked: partner id "de-hotline"/);
    const unknown = await partners(
      'register',
      'cli-x',
      '--name',
      'X',
      '--source-systems',
      'CLI-X',
      '--recipients',
      'xx-hotline',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/partner_recipient_unknown: recipient "xx-hotline"/);
  });

  it('leaves no active key when the file for the generated one cannot be written', async () => {
    const taken = join(dir, 'taken.jwk');
    writeFileSync(taken, 'someone else’s\n');
    const refused = await partners('add-key', 'cli-p', '--generate', '--out', taken);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/EEXIST/);
    expect(readFileSync(taken, 'utf8')).toBe('someone else’s\n');
    const listed = await partners('list');
    expect(listed.out).toContain('cli-p');
    // Key lines are indented; the partner's own line says its status.
    expect(listed.out).not.toMatch(/^ {2}\S+\t\S+\tactive$/m);

    const fresh = join(dir, 'fresh.jwk');
    const added = await partners('add-key', 'cli-p', '--generate', '--out', fresh);
    expect(added.code).toBe(0);
    expect(JSON.parse(readFileSync(fresh, 'utf8'))).toMatchObject({
      kty: 'OKP',
      d: expect.any(String),
    });
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect((await partners('list')).out).toMatch(/^ {2}\S+\ted25519\tactive$/m);
  });

  it('removes the claimed file when the key is refused', async () => {
    const out = join(dir, 'unknown-partner.jwk');
    const refused = await partners('add-key', 'no-such-partner', '--generate', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/partner_not_found/);
    expect(existsSync(out)).toBe(false);
  });

  it('stores a generated HMAC secret sealed, and hands out the clear one in the file only', async () => {
    const out = join(dir, 'hmac.txt');
    const added = await partners(
      'add-key',
      'cli-p',
      '--hmac',
      '--generate',
      '--key-id',
      'cli-hmac',
      '--out',
      out,
    );
    expect(added.code).toBe(0);
    const secret = readFileSync(out, 'utf8').trim();
    expect(added.out + added.err).not.toContain(secret);
    const { rows } = await stack.db.query(
      `SELECT hmac_secret, hmac_secret_sealed FROM partner_key WHERE key_id = 'cli-hmac'`,
    );
    expect(rows[0].hmac_secret).toBeNull();
    expect(rows[0].hmac_secret_sealed).toMatch(/^wse1\.e2e-1\./);
    expect(rows[0].hmac_secret_sealed).not.toContain(secret);
  });
});
