import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';

/** An Ed25519 public key as a JWK (RFC 8037 "OKP"). */
// Type aliases, not interfaces, so they fit node's JsonWebKey and Record<string, …> types.
export type Ed25519PublicJwk = {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid?: string;
  alg?: 'EdDSA';
  use?: 'sig';
};

/** An Ed25519 private key as a JWK: the public `x` plus the private seed `d`. */
export type Ed25519PrivateJwk = Ed25519PublicJwk & { d: string };

/** Node key object, JWK, or the raw 32-byte public key. */
export type Ed25519PublicKeyInput = KeyObject | Ed25519PublicJwk | Uint8Array;
/** Node key object, JWK, or the raw 32-byte seed. */
export type Ed25519PrivateKeyInput = KeyObject | Ed25519PrivateJwk | Uint8Array;

// DER prefixes that wrap a raw 32-byte key as SPKI / PKCS#8 (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PublicKey(input: Ed25519PublicKeyInput): KeyObject {
  const key =
    input instanceof KeyObject
      ? input
      : isBytes(input)
        ? createPublicKey({ key: der(SPKI_PREFIX, input), format: 'der', type: 'spki' })
        : createPublicKey({ key: { kty: input.kty, crv: input.crv, x: input.x }, format: 'jwk' });
  // A private key object holds its public half; verify never needs more.
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return requireEd25519(publicKey);
}

export function ed25519PrivateKey(input: Ed25519PrivateKeyInput): KeyObject {
  const key =
    input instanceof KeyObject
      ? input
      : isBytes(input)
        ? createPrivateKey({ key: der(PKCS8_PREFIX, input), format: 'der', type: 'pkcs8' })
        : createPrivateKey({
            key: { kty: input.kty, crv: input.crv, x: input.x, d: input.d },
            format: 'jwk',
          });
  if (key.type !== 'private') throw new TypeError('an Ed25519 private key is needed to sign');
  return requireEd25519(key);
}

/** The OKP/Ed25519 JWK of a key (public or private), to publish or hand to a partner. */
export function publicJwk(key: KeyObject, kid?: string): Ed25519PublicJwk {
  const { x } = ed25519PublicKey(key).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('the key has no public part');
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x,
    ...(kid === undefined ? {} : { kid }),
    alg: 'EdDSA',
    use: 'sig',
  };
}

export interface Ed25519KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  publicJwk: Ed25519PublicJwk;
  privateJwk: Ed25519PrivateJwk;
}

/** A fresh key pair, in both forms: key objects to use, JWKs to store or publish. */
export function generateEd25519KeyPair(kid?: string): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { d } = privateKey.export({ format: 'jwk' });
  if (typeof d !== 'string') throw new TypeError('the generated key has no private part');
  const jwk = publicJwk(publicKey, kid);
  return { publicKey, privateKey, publicJwk: jwk, privateJwk: { ...jwk, d } };
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
  return key;
}

function isBytes(input: unknown): input is Uint8Array {
  return ArrayBuffer.isView(input);
}

function der(prefix: Buffer, raw: Uint8Array): Buffer {
  if (raw.byteLength !== 32) throw new TypeError('a raw Ed25519 key is 32 bytes');
  return Buffer.concat([prefix, raw]);
}
