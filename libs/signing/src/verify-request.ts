// Hand-written on `structured-headers` rather than built on `http-message-signatures`
// (evaluated at 1.0.6): it follows draft 13, not the final RFC 9421; verifyMessage returns
// null (not a failure) when no key is found and walks every label instead of the one
// asked for; it throws plain Errors for malformed input, so a partner gets no stable code;
// its key lookup cannot say "revoked"; and it does not return the verified parameters
// the gateway needs to claim the nonce. This file is tested against RFC 9421 Appendix B.
import {
  isSignatureAlgorithm,
  SignatureAlgorithm,
  VerificationKey,
  verifyBase,
} from './algorithms';
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  WISSEL_COVERED_COMPONENTS,
  WISSEL_REQUIRED_PARAMS,
} from './defaults';
import { SignatureError } from './errors';
import { HttpMessage } from './message';
import { signatureBaseOf } from './signature-base';
import { readSignature } from './signature-headers';
import { parseSignatureInput, SignatureParamName, SignatureParams } from './signature-params';

/**
 * The partner's active keys for a key id; `'revoked'` when the id is known but withdrawn;
 * undefined (or an empty list) when the id is unknown. May be async (a database read).
 */
export type KeyLookupResult = readonly VerificationKey[] | 'revoked' | undefined;
export type KeyLookup = (keyId: string) => KeyLookupResult | Promise<KeyLookupResult>;

export interface VerifyOptions {
  lookupKey: KeyLookup;
  /** Verify this label; without it the request must carry exactly one signature. */
  label?: string;
  /** Components that must be covered; Wissel's set by default. */
  requiredComponents?: readonly string[];
  /** Parameters that must be present; created, keyid, alg and nonce by default. */
  requiredParams?: readonly SignatureParamName[];
  /** How far `created` may be from now, either way; 300 s by default. */
  clockSkewSeconds?: number;
  now?: () => Date;
}

/** What was verified, so the caller can claim the nonce and log the key used. */
export interface VerifiedSignature {
  label: string;
  keyId: string;
  alg: SignatureAlgorithm;
  /** The key from the lookup that verified the signature. */
  key: VerificationKey;
  components: string[];
  /** Present whenever required (the default). */
  created?: number;
  expires?: number;
  /** Present whenever required (the default): claim it before accepting the request. */
  nonce?: string;
  tag?: string;
  /** The exact signature base (RFC 9421 §2.5) that verified: kept as evidence. */
  signatureBase: string;
}

/**
 * Verifies one RFC 9421 signature on a request (§3.2) against Wissel's policy. Throws a
 * SignatureError naming the first rule broken; errors from `lookupKey` pass through.
 * It does not check the body: call verifyContentDigest as well, and claim the nonce.
 */
export async function verifyRequest(
  message: HttpMessage,
  options: VerifyOptions,
): Promise<VerifiedSignature> {
  const { label, input, signature } = readSignature(message, options.label);
  const { innerList, components, params } = parseSignatureInput(input, label);
  requireParams(params, options.requiredParams ?? WISSEL_REQUIRED_PARAMS);
  if (params.alg !== undefined && !isSignatureAlgorithm(params.alg)) {
    throw new SignatureError(
      'alg_unsupported',
      `alg "${params.alg}" is not accepted; use ed25519 or hmac-sha256`,
    );
  }
  requireComponents(components, options.requiredComponents ?? WISSEL_COVERED_COMPONENTS);
  checkTime(params, options);
  const keyId = params.keyid;
  if (keyId === undefined) {
    // RFC 9421 lets a key be found another way; Wissel has no other way.
    throw new SignatureError('param_missing', 'the keyid parameter is missing');
  }
  const keys = await options.lookupKey(keyId);
  if (keys === 'revoked') {
    throw new SignatureError('key_revoked', `the key "${keyId}" has been revoked`);
  }
  if (keys === undefined || keys.length === 0) {
    throw new SignatureError('key_unknown', `no key is registered under "${keyId}"`);
  }
  // No algorithm confusion: a key is only ever used with its own algorithm.
  const candidates = params.alg === undefined ? keys : keys.filter((k) => k.alg === params.alg);
  if (candidates.length === 0) {
    throw new SignatureError(
      'alg_mismatch',
      `alg "${params.alg}" does not match the algorithm of key "${keyId}"`,
    );
  }
  const { base } = signatureBaseOf(message, innerList);
  const key = candidates.find((candidate) => verifyBase(candidate, base, signature));
  if (key === undefined) {
    throw new SignatureError(
      'signature_invalid',
      `the signature "${label}" does not verify with key "${keyId}"`,
    );
  }
  return {
    label,
    keyId,
    alg: key.alg,
    key,
    components,
    created: params.created,
    expires: params.expires,
    nonce: params.nonce,
    tag: params.tag,
    signatureBase: base,
  };
}

function requireParams(params: SignatureParams, required: readonly SignatureParamName[]): void {
  const missing = required.filter((name) => params[name] === undefined);
  if (missing.length > 0) {
    throw new SignatureError(
      'param_missing',
      `missing signature parameters: ${missing.join(', ')}`,
    );
  }
}

function requireComponents(covered: readonly string[], required: readonly string[]): void {
  const missing = required.filter((name) => !covered.includes(name));
  if (missing.length > 0) {
    throw new SignatureError(
      'component_not_covered',
      `the signature must cover: ${missing.join(', ')}`,
    );
  }
}

function checkTime(params: SignatureParams, options: VerifyOptions): void {
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const { created, expires } = params;
  if (created !== undefined && created > now + skew) {
    throw new SignatureError(
      'created_in_future',
      `created is ${created - now} s ahead of the server clock (allowed: ${skew} s)`,
    );
  }
  if (created !== undefined && created < now - skew) {
    throw new SignatureError(
      'signature_expired',
      `created is ${now - created} s old (allowed: ${skew} s); sign each request afresh`,
    );
  }
  // expires is the signer's own limit and is honoured exactly.
  if (expires !== undefined && expires < now) {
    throw new SignatureError('signature_expired', `the signature expired ${now - expires} s ago`);
  }
}
