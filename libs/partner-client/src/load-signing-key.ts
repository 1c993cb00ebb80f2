import { createPrivateKey, JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PartnerKey, toSigningKey } from './partner-key';

/**
 * Reads a partner's signing key from a file, by its content:
 * - JSON: a private Ed25519 JWK (`kty` OKP, `crv` Ed25519, with `d`), as `keygen` writes;
 *   or an `oct` JWK (`k`) holding an HMAC secret;
 * - `-----BEGIN PRIVATE KEY-----`: an Ed25519 key in PKCS#8 PEM;
 * - anything else: an HMAC-SHA256 secret written as base64 or base64url text (whitespace
 *   ignored), as operators hand secrets out. Raw bytes are not read as a secret: random
 *   bytes can look like base64 and would silently sign with the wrong secret.
 * The key is checked before it is returned (Ed25519 and private; a secret of 32+ bytes).
 */
export function loadSigningKey(file: string): PartnerKey {
  const text = readFileSync(file, 'utf8').trim();
  const key = text.startsWith('{')
    ? fromJwk(parseJson(text, file), file)
    : text.startsWith('-----BEGIN')
      ? fromPem(text, file)
      : { alg: 'hmac-sha256' as const, secret: fromBase64(text, file) };
  try {
    toSigningKey(key);
  } catch (error) {
    throw new TypeError(`${file}: ${(error as Error).message}`);
  }
  return key;
}

function parseJson(text: string, file: string): JsonWebKey {
  try {
    return JSON.parse(text) as JsonWebKey;
  } catch (error) {
    throw new TypeError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

function fromJwk(jwk: JsonWebKey, file: string): PartnerKey {
  if (jwk.kty === 'oct' && typeof jwk.k === 'string') {
    return { alg: 'hmac-sha256', secret: fromBase64(jwk.k, file) };
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { alg: 'ed25519', privateKey: jwk };
  throw new TypeError(`${file}: expected an Ed25519 (OKP) or oct JWK, got kty ${String(jwk.kty)}`);
}

function fromPem(text: string, file: string): PartnerKey {
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new TypeError(`${file}: expected a PKCS#8 "PRIVATE KEY" PEM (a public key cannot sign)`);
  }
  return { alg: 'ed25519', privateKey: createPrivateKey(text) };
}

function fromBase64(text: string, file: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) {
    throw new TypeError(`${file}: an HMAC secret file must hold the secret as base64 text`);
  }
  return Buffer.from(compact, 'base64'); // node's base64 decoder reads base64url too
}
