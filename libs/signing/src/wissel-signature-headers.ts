import { canonicalJson } from './canonical-json';
import { type Ed25519PrivateKeyInput } from './ed25519-keys';
import { type JsonSignature, signCanonicalText } from './json-signature';

/**
 * Where Wissel puts its signature (a `JsonSignature`) on every outbound message, Kafka
 * record or webhook alike. Header names are matched case-insensitively. The signer (the
 * dispatcher) and the verifier (libs/partner-client) share these names from here.
 */
export const WISSEL_SIGNATURE_HEADERS = {
  /** Ed25519 over the RFC 8785 canonical JSON of the value, base64url without padding. */
  signature: 'wissel-signature',
  /** The `kid` of the key in Wissel's JWKS (`/.well-known/jwks.json`). */
  keyId: 'wissel-signature-key-id',
  /** Always `ed25519`. */
  alg: 'wissel-signature-alg',
} as const;

/** The three headers that carry a JsonSignature (what signJson returns). */
export function wisselSignatureHeaders(signed: JsonSignature): Record<string, string> {
  return {
    [WISSEL_SIGNATURE_HEADERS.signature]: signed.signature,
    [WISSEL_SIGNATURE_HEADERS.keyId]: signed.keyId,
    [WISSEL_SIGNATURE_HEADERS.alg]: signed.alg,
  };
}

/** A value ready to send: its canonical JSON text and the signature headers over it. */
export interface SignedJsonMessage {
  /** RFC 8785 canonical JSON: what a recipient stores is byte for byte what was signed. */
  text: string;
  headers: Record<string, string>;
}

/** Canonicalises and signs a value once, for a Kafka record or a webhook body. */
export function signJsonMessage(
  value: unknown,
  privateKey: Ed25519PrivateKeyInput,
  keyId: string,
): SignedJsonMessage {
  // Canonicalised once: the text sent is the text signed (and half the work per dispatch).
  const text = canonicalJson(value);
  return { text, headers: wisselSignatureHeaders(signCanonicalText(text, privateKey, keyId)) };
}
