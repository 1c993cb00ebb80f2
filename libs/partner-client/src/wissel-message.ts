import { JsonWebKey, KeyObject } from 'node:crypto';
import { ed25519PublicKey, verifyJson, WISSEL_SIGNATURE_HEADERS } from '@wissel/signing';

// The header names live in libs/signing, shared with the dispatcher that signs; re-exported
// so the client's API stays as it was.
export { WISSEL_SIGNATURE_HEADERS, wisselSignatureHeaders } from '@wissel/signing';

/** A message as received: a Kafka record (e.g. a line of `npm run kafka -- tail`) or a webhook. */
export interface WisselMessage {
  headers: Record<string, string | Buffer | readonly string[] | undefined>;
  /** The JSON text (string or UTF-8 bytes) as received, or the value already parsed. */
  value: unknown;
}

export const WISSEL_MESSAGE_ERROR_CODES = [
  'message_invalid',
  'signature_missing',
  'alg_unsupported',
  'key_unknown',
  'key_invalid',
  'value_invalid',
  'signature_invalid',
] as const;
export type WisselMessageErrorCode = (typeof WISSEL_MESSAGE_ERROR_CODES)[number];

export type WisselMessageVerification =
  { ok: true; keyId: string } | { ok: false; code: WisselMessageErrorCode; detail: string };

export interface Jwks {
  keys: JsonWebKey[];
}

class Refused extends Error {
  constructor(
    readonly code: WisselMessageErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Checks Wissel's signature on a message against Wissel's published keys. The value is
 * parsed as JSON and its canonical form (RFC 8785) verified, so a consumer that re-encodes
 * the JSON can still verify it. Never throws for a bad message: the result says why.
 */
export function verifyWisselMessage(
  message: WisselMessage | object,
  jwks: Jwks,
): WisselMessageVerification {
  try {
    const { headers, value } = shapeOf(message);
    const signature = header(headers, WISSEL_SIGNATURE_HEADERS.signature);
    const keyId = header(headers, WISSEL_SIGNATURE_HEADERS.keyId);
    const alg = header(headers, WISSEL_SIGNATURE_HEADERS.alg);
    if (alg !== 'ed25519') {
      throw new Refused(
        'alg_unsupported',
        `${WISSEL_SIGNATURE_HEADERS.alg} "${alg}" is not ed25519`,
      );
    }
    const publicKey = keyFor(jwks, keyId);
    const parsed = parseValue(value);
    if (!verifiesCanonical(parsed, signature, publicKey)) {
      throw new Refused(
        'signature_invalid',
        `the signature does not verify with key "${keyId}": the message was changed or signed by another key`,
      );
    }
    return { ok: true, keyId };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
}

function shapeOf(message: object): WisselMessage {
  const candidate = message as Partial<WisselMessage>;
  if (
    typeof candidate.headers !== 'object' ||
    candidate.headers === null ||
    !('value' in candidate)
  ) {
    throw new Refused('message_invalid', 'a message is an object with "headers" and "value"');
  }
  return { headers: candidate.headers, value: candidate.value };
}

function header(headers: WisselMessage['headers'], name: string): string {
  const values = Object.entries(headers)
    .filter(([key, value]) => key.toLowerCase() === name && value !== undefined)
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
  if (values.length === 0) throw new Refused('signature_missing', `the ${name} header is missing`);
  if (values.length > 1) throw new Refused('message_invalid', `the ${name} header is repeated`);
  return (values[0] as string).trim();
}

function keyFor(jwks: Jwks, keyId: string): KeyObject {
  const matches = (Array.isArray(jwks?.keys) ? jwks.keys : []).filter((jwk) => jwk.kid === keyId);
  const [jwk] = matches;
  if (jwk === undefined) {
    throw new Refused('key_unknown', `Wissel's key set has no key "${keyId}"`);
  }
  if (matches.length > 1) {
    throw new Refused('key_invalid', `Wissel's key set holds "${keyId}" more than once`);
  }
  const usable =
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    typeof jwk.x === 'string' &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.alg === undefined || jwk.alg === 'EdDSA');
  if (!usable) {
    throw new Refused('key_invalid', `the key "${keyId}" is not an Ed25519 signing key`);
  }
  try {
    return ed25519PublicKey({ kty: 'OKP', crv: 'Ed25519', x: jwk.x as string });
  } catch (error) {
    throw new Refused(
      'key_invalid',
      `the key "${keyId}" cannot be read: ${(error as Error).message}`,
    );
  }
}

function parseValue(value: unknown): unknown {
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return value;
  let text: string;
  try {
    // Fatal: invalid UTF-8 must not be repaired into something that then verifies.
    text =
      typeof value === 'string' ? value : new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    throw new Refused('value_invalid', 'the value is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Refused('value_invalid', `the value is not JSON: ${(error as Error).message}`);
  }
}

function verifiesCanonical(value: unknown, signature: string, publicKey: KeyObject): boolean {
  try {
    return verifyJson(value, signature, publicKey);
  } catch (error) {
    // canonicalJson refuses what JSON cannot hold (e.g. a lone surrogate from "\ud800").
    throw new Refused(
      'value_invalid',
      `the value has no canonical JSON form: ${(error as Error).message}`,
    );
  }
}
