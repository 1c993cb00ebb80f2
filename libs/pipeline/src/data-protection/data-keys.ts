import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  keyProviderFromFile,
  parseKeksEnv,
  StaticKeyProvider,
  type KeyEncryptionKey,
} from '@wissel/crypto';
import { ConfigurationError } from '@wissel/domain';

export interface DataKeySettings {
  source: 'dev' | 'env' | 'file';
  /** WISSEL_KEKS, for `env`. */
  keks: string;
  /** DATA_KEYS_FILE, for `file`. */
  file: string;
  /** DATA_KEY_ID: the KEK that seals new values; empty: the first listed. */
  activeKeyId: string;
  /** Where the development key file is generated, for `dev`. */
  devKeyDir: string;
}

export const DEV_DATA_KEYS_FILE = 'wissel-dev-data-keys.json';

/**
 * The key ring that seals personal data at rest, from the validated configuration. A
 * misconfiguration stops the start (never a silent fall back to plaintext); `dev` works out
 * of the box with a generated key and says loudly that production must bring its own.
 */
export function loadDataKeys(
  settings: DataKeySettings,
  warn: (message: string) => void,
): StaticKeyProvider {
  const ring = readRing(settings, warn);
  if (settings.activeKeyId === '') return ring;
  // StaticKeyProvider's first key is current: put the chosen one first.
  const ids = ring.ids();
  if (!ids.includes(settings.activeKeyId)) {
    throw new ConfigurationError(
      `DATA_KEY_ID "${settings.activeKeyId}" is not among the configured keys`,
      {
        keyIds: ids,
      },
    );
  }
  const ordered = [settings.activeKeyId, ...ids.filter((id) => id !== settings.activeKeyId)];
  return new StaticKeyProvider(ordered.map((id) => ring.byId(id)!));
}

function readRing(settings: DataKeySettings, warn: (message: string) => void): StaticKeyProvider {
  try {
    switch (settings.source) {
      case 'env':
        return new StaticKeyProvider(parseKeksEnv(settings.keks, 'WISSEL_KEKS'));
      case 'file':
        if (settings.file === '')
          throw new ConfigurationError('DATA_KEYS_FILE is needed with DATA_KEYS_SOURCE=file');
        return keyProviderFromFile(settings.file);
      case 'dev':
        return devRing(settings.devKeyDir, warn);
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    // CryptoError messages name codes and key ids, never key material.
    throw new ConfigurationError(`data keys: ${(error as Error).message}`);
  }
}

function devRing(dir: string, warn: (message: string) => void): StaticKeyProvider {
  const file = join(dir, DEV_DATA_KEYS_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key: KeyEncryptionKey = {
    id: `dev-${randomBytes(4).toString('hex')}`,
    key: randomBytes(32),
  };
  // Written aside and linked into place (as the dev signing key): two apps starting together
  // on a fresh clone end up with the same key, never a half-written file.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(
    temp,
    JSON.stringify([{ id: key.id, key: key.key.toString('base64'), note: 'development only' }]) +
      '\n',
    {
      mode: 0o600,
    },
  );
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const ring = keyProviderFromFile(file);
  warn(
    `DATA_KEYS_SOURCE=dev: personal data is sealed with the DEVELOPMENT key "${ring.current().id}" in ${file}; ` +
      'anyone with that file can read it. Production must set DATA_KEYS_SOURCE=env or file (docs/data-protection.md)',
  );
  return ring;
}
