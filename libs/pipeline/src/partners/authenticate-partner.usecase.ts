import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import {
  fieldValues,
  generateEd25519KeyPair,
  SignatureError,
  verifyContentDigest,
  verifyRequest,
  WISSEL_COVERED_COMPONENTS,
  type HttpMessage,
  type KeyLookupResult,
  type VerificationKey,
} from '@wissel/signing';
import {
  PartnerNonceRepository,
  PartnerRepository,
  type PartnerKeyRecord,
  type SignatureEvidence,
} from '@wissel/persistence';
import { PartnerSecretSealer } from '../data-protection/partner-secret-sealer';
import {
  CONCEALED_SIGNATURE_REASONS,
  NotAuthenticatedError,
  SignatureRefusedError,
  type ConcealedSignatureReason,
} from './partner-errors';
import { PartnerClock } from './partner-clock';

/** A request as received: the absolute target URI, the headers and the exact body bytes. */
export interface SignedRequest extends HttpMessage {
  /** The body as received; undefined for a request that has none (GET). */
  body?: Buffer;
}

/** Who signed a request, what they may submit, and the evidence to keep. */
export interface AuthenticatedPartner {
  partnerId: string;
  sourceSystems: string[];
  /** The recipients it declared it is: never sent its own referrals. */
  recipients: string[];
  evidence: SignatureEvidence;
}

/** A request without a body signs what identifies it: method and target URI. */
export const BODILESS_COVERED_COMPONENTS: readonly string[] = ['@method', '@target-uri'];

/**
 * Keys nobody holds (the private half is dropped), verified against when the key id is
 * unknown or revoked: such a request costs the same signature check as one with a real key
 * and a wrong signature, so neither the code nor the time tells them apart.
 */
const DECOY_KEYS: readonly VerificationKey[] = [
  { alg: 'ed25519', publicKey: generateEd25519KeyPair().publicJwk },
  { alg: 'hmac-sha256', secret: randomBytes(32) },
];

/**
 * Authenticates a partner request (RFC 9421): the signature with the partner's key, the
 * body against Content-Digest (RFC 9530), the partner's standing, and the nonce, claimed
 * once. Every refusal is a typed error with a stable code; nothing here stores a referral.
 * Refusals that depend on what is known of the key id (CONCEALED_SIGNATURE_REASONS) are
 * one SignatureRefusedError: a caller learns only that it is not authenticated.
 */
@Injectable()
export class AuthenticatePartnerUseCase {
  constructor(
    private readonly config: WisselConfig,
    private readonly partners: PartnerRepository,
    private readonly nonces: PartnerNonceRepository,
    private readonly clock: PartnerClock,
    private readonly secrets: PartnerSecretSealer,
  ) {}

  async execute(request: SignedRequest): Promise<AuthenticatedPartner> {
    let record: PartnerKeyRecord | undefined;
    let keyId: string | undefined;
    // Set when the key cannot sign for anyone, whatever the signature check says.
    let unusable: ConcealedSignatureReason | undefined;
    const lookupKey = async (requested: string): Promise<KeyLookupResult> => {
      keyId = requested;
      record = await this.partners.keyForVerification(requested);
      if (!record) unusable = 'key_unknown';
      else if (record.revokedAt !== null) unusable = 'key_revoked';
      return unusable ? DECOY_KEYS : [verificationKey(record!, this.secrets)];
    };
    // An unusable key's reason wins over what the check against the decoys said.
    const refuse = (reason: ConcealedSignatureReason) =>
      new SignatureRefusedError(unusable ?? reason, keyId, record?.partner.id);
    const hasBody = request.body !== undefined;
    if (hasBody && fieldValues(request, 'content-digest') === undefined) {
      // Said before the signature check, which would only call the covered field absent.
      throw new NotAuthenticatedError(
        'digest_missing',
        'a request with a body must carry Content-Digest (RFC 9530) and sign it',
      );
    }
    const verified = await refuseAsUnauthenticated(refuse, async () => {
      const signature = await verifyRequest(request, {
        lookupKey,
        requiredComponents: hasBody ? WISSEL_COVERED_COMPONENTS : BODILESS_COVERED_COMPONENTS,
        clockSkewSeconds: this.config.SIGNATURE_MAX_SKEW_S,
        now: () => this.clock.now(),
      });
      // A decoy never verifies (nobody holds it); should one, the key is still refused.
      if (unusable) throw refuse(unusable);
      if (request.body !== undefined) {
        verifyContentDigest(fieldValues(request, 'content-digest'), request.body);
      }
      return signature;
    });
    // verifyRequest returned, so the lookup found an active key and set the record.
    const partner = record!.partner;
    // Concealed too: a leaked key of a suspended partner must not learn it is still valid.
    if (partner.status !== 'active') throw refuse('partner_suspended');
    // created and nonce are required parameters, so verifyRequest guarantees both.
    const created = verified.created!;
    const nonce = verified.nonce!;
    // A nonce must be remembered while a signature carrying it could still be fresh: until
    // `created` (or now, whichever is later) plus the allowed skew.
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    const expiresAt = new Date(
      (Math.max(created, nowSeconds) + this.config.SIGNATURE_MAX_SKEW_S) * 1000,
    );
    if (!(await this.nonces.claim(partner.id, nonce, expiresAt))) {
      throw new NotAuthenticatedError(
        'nonce_replayed',
        'this nonce was already used; sign every request afresh with a new nonce',
      );
    }
    return {
      partnerId: partner.id,
      sourceSystems: partner.sourceSystems,
      recipients: partner.recipients ?? [],
      evidence: {
        keyId: verified.keyId,
        alg: verified.alg,
        created: new Date(created * 1000),
        nonce,
        signatureInput: joined(request, 'signature-input'),
        signature: joined(request, 'signature'),
        contentDigest: joined(request, 'content-digest'),
        // Kept with the referrals it carries (W11 chain of custody, docs/chain-of-custody.md).
        label: verified.label,
        signatureBase: verified.signatureBase,
        verifiedAt: this.clock.now(),
        publicJwk: record!.publicJwk,
      },
    };
  }
}

function verificationKey(record: PartnerKeyRecord, secrets: PartnerSecretSealer): VerificationKey {
  if (record.alg === 'ed25519' && record.publicJwk) {
    return { alg: 'ed25519', publicKey: record.publicJwk, id: record.keyId };
  }
  if (record.alg === 'hmac-sha256' && record.hmacSecretSealed) {
    const secret = secrets.open(record.keyId, record.hmacSecretSealed);
    return { alg: 'hmac-sha256', secret, id: record.keyId };
  }
  // Stored before sealing and not sealed yet (the gateway seals it at start).
  if (record.alg === 'hmac-sha256' && record.legacyHmacSecret) {
    return { alg: 'hmac-sha256', secret: record.legacyHmacSecret, id: record.keyId };
  }
  // The table's check constraint makes this unreachable.
  throw new Error(`key "${record.keyId}" has no material for ${record.alg}`);
}

/**
 * Signature errors as refusals. Those about the request's own form (missing parameters,
 * the time window, the digest of a body whose signature verified) keep their code: they
 * need no knowledge of the key. The others become one concealed refusal.
 */
async function refuseAsUnauthenticated<T>(
  refuse: (reason: ConcealedSignatureReason) => SignatureRefusedError,
  verify: () => Promise<T>,
): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof SignatureError) {
      if (isConcealed(error.code)) throw refuse(error.code);
      throw new NotAuthenticatedError(error.code, error.detail);
    }
    throw error;
  }
}

const isConcealed = (code: string): code is ConcealedSignatureReason =>
  (CONCEALED_SIGNATURE_REASONS as readonly string[]).includes(code);

const joined = (request: HttpMessage, name: string) =>
  (fieldValues(request, name) ?? []).join(', ');
