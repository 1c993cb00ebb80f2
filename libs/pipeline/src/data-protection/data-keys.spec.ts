import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@wissel/domain';
import { DEV_DATA_KEYS_FILE, loadDataKeys, type DataKeySettings } from './data-keys';

const key = () => randomBytes(32).toString('base64');
const base = (over: Partial<DataKeySettings>): DataKeySettings => ({
  source: 'env',
  keks: '',
  file: '',
  activeKeyId: '',
  devKeyDir: mkdtempSync(join(tmpdir(), 'wissel-keys-')),
  ...over,
});

describe('loadDataKeys', () => {
  it('dev: generates one key file (0600), reuses it, and warns every time', () => {
    const warnings: string[] = [];
    const settings = base({ source: 'dev' });
    const first = loadDataKeys(settings, (m) => warnings.push(m));
    const second = loadDataKeys(settings, (m) => warnings.push(m));
    expect(second.current().id).toBe(first.current().id);
    expect(second.current().key.equals(first.current().key)).toBe(true);
    const file = join(settings.devKeyDir, DEV_DATA_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(first.current().id);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/DEVELOPMENT key/);
  });

  it('env: the first key is current unless DATA_KEY_ID names another', () => {
    const keks = `new:${key()},old:${key()}`;
    expect(loadDataKeys(base({ keks }), () => undefined).current().id).toBe('new');
    const ring = loadDataKeys(base({ keks, activeKeyId: 'old' }), () => undefined);
    expect(ring.current().id).toBe('old');
    expect(ring.byId('new')).toBeDefined();
  });

  it('refuses a DATA_KEY_ID that is not configured', () => {
    expect(() =>
      loadDataKeys(base({ keks: `a:${key()}`, activeKeyId: 'b' }), () => undefined),
    ).toThrow(ConfigurationError);
  });

  it('refuses to start without keys instead of storing plaintext', () => {
    expect(() => loadDataKeys(base({ keks: '' }), () => undefined)).toThrow(ConfigurationError);
    expect(() => loadDataKeys(base({ source: 'file' }), () => undefined)).toThrow(/DATA_KEYS_FILE/);
    expect(() =>
      loadDataKeys(base({ source: 'file', file: '/nonexistent/keys.json' }), () => undefined),
    ).toThrow(ConfigurationError);
  });

  it('file: reads the JSON key file; the error never quotes a key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wissel-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify([{ id: '2026-01', key: key() }]));
    expect(loadDataKeys(base({ source: 'file', file }), () => undefined).current().id).toBe(
      '2026-01',
    );
    const secret = 'c2hvcnQ=';
    writeFileSync(file, JSON.stringify([{ id: 'x', key: secret }]));
    try {
      loadDataKeys(base({ source: 'file', file }), () => undefined);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
