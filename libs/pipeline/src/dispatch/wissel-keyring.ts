import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '@wissel/domain';
import {
  ed25519PrivateKey,
  generateEd25519KeyPair,
  publicJwk,
  type Ed25519PublicJwk,
} from '@wissel/signing';

/** The key Wissel signs every outbound message with, and the key set it publishes. */
export class WisselKeyring {
  constructor(
    readonly keyId: string,
    readonly privateKey: KeyObject,
    /** The signing key's public half first, then previous keys still served for rotation. */
    readonly jwks: { keys: Ed25519PublicJwk[] },
  ) {}
}

export interface KeyringSettings {
  /** A private Ed25519 JWK or a PKCS#8 PEM file; empty: a generated development key. */
  keyFile: string;
  /** The kid; empty: the JWK's own `kid`. */
  keyId: string;
  /** JWK or JWKS files of previous public keys, comma-separated. */
  previousKeys: string;
  /** Where the development key is kept. */
  devKeyDir: string;
}

const DEV_KEY_FILE = 'wissel-dev-signing.private.jwk.json';

/**
 * Loads Wissel's signing key and the public key set. Without a configured key, a key is
 * generated once into `devKeyDir` (mode 0600) and reused, so a fresh clone signs and
 * verifies out of the box; `warn` is told that production must configure its own.
 */
export function loadWisselKeyring(
  settings: KeyringSettings,
  warn: (message: string) => void,
): WisselKeyring {
  const { keyId, privateKey } = settings.keyFile
    ? readSigningKey(settings.keyFile, settings.keyId)
    : devKey(settings.devKeyDir, warn);
  const keys = [publicJwk(privateKey, keyId)];
  for (const file of settings.previousKeys.split(',').map((f) => f.trim())) {
    if (file === '') continue;
    for (const jwk of readPublicKeys(file)) {
      if (keys.some((k) => k.kid === jwk.kid)) {
        throw new ConfigurationError(
          `SIGNING_PREVIOUS_KEYS: the key id "${jwk.kid}" is listed twice`,
        );
      }
      keys.push(jwk);
    }
  }
  return new WisselKeyring(keyId, privateKey, { keys });
}

function readSigningKey(
  file: string,
  configuredKid: string,
): { keyId: string; privateKey: KeyObject } {
  const text = readText(file, 'SIGNING_KEY_FILE');
  let privateKey: KeyObject;
  let ownKid: unknown;
  try {
    if (text.trimStart().startsWith('{')) {
      const jwk = JSON.parse(text) as {
        kty?: string;
        crv?: string;
        x?: string;
        d?: string;
        kid?: unknown;
      };
      if (
        jwk.kty !== 'OKP' ||
        jwk.crv !== 'Ed25519' ||
        typeof jwk.x !== 'string' ||
        typeof jwk.d !== 'string'
      ) {
        throw new Error('it is not a private Ed25519 JWK (kty OKP, crv Ed25519, with x and d)');
      }
      privateKey = ed25519PrivateKey({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d });
      ownKid = jwk.kid;
    } else {
      privateKey = ed25519PrivateKey(createPrivateKey(text));
    }
  } catch (error) {
    throw new ConfigurationError(
      `SIGNING_KEY_FILE ${file} is not an Ed25519 private key: ${(error as Error).message}`,
    );
  }
  const keyId = configuredKid || (typeof ownKid === 'string' ? ownKid : '');
  if (!keyId) {
    throw new ConfigurationError(`SIGNING_KEY_ID is needed: ${file} names no kid`);
  }
  return { keyId, privateKey };
}

function devKey(
  dir: string,
  warn: (message: string) => void,
): { keyId: string; privateKey: KeyObject } {
  const file = join(dir, DEV_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateEd25519KeyPair();
  const kid = `wissel-dev-${thumbprint(pair.publicJwk).slice(0, 16)}`;
  // Written aside and linked into place: link fails if the file exists, so two apps starting
  // together on a fresh clone end up with the one same key, never a half-written file.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify({ ...pair.privateJwk, kid }, null, 2) + '\n', { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const key = readSigningKey(file, '');
  warn(
    `no SIGNING_KEY_FILE: signing with the development key "${key.keyId}" in ${file}; production must configure its own key`,
  );
  return key;
}

function readPublicKeys(file: string): Ed25519PublicJwk[] {
  const text = readText(file, 'SIGNING_PREVIOUS_KEYS');
  try {
    const parsed = JSON.parse(text) as { keys?: unknown };
    const list = Array.isArray(parsed.keys) ? parsed.keys : [parsed];
    return list.map((jwk) => {
      const { kty, crv, x, kid } = jwk as Record<string, unknown>;
      if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string' || typeof kid !== 'string') {
        throw new Error('every key must be an Ed25519 JWK (kty OKP, crv Ed25519) with x and kid');
      }
      // Only the public members are ever published, whatever else the file holds.
      return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' } as Ed25519PublicJwk;
    });
  } catch (error) {
    throw new ConfigurationError(
      `SIGNING_PREVIOUS_KEYS ${file} is not a JWK or JWK set: ${(error as Error).message}`,
    );
  }
}

function readText(file: string, setting: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`${setting} ${file} cannot be read: ${(error as Error).message}`);
  }
}

/** RFC 7638 thumbprint of an OKP key. */
function thumbprint(jwk: Ed25519PublicJwk): string {
  const members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(members).digest('base64url');
}
