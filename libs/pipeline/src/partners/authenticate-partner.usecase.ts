import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import {
  fieldValues,
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
import { ForbiddenError, NotAuthenticatedError } from './partner-errors';
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
  evidence: SignatureEvidence;
}

/** A request without a body signs what identifies it: method and target URI. */
export const BODILESS_COVERED_COMPONENTS: readonly string[] = ['@method', '@target-uri'];

/**
 * Authenticates a partner request (RFC 9421): the signature with the partner's key, the
 * body against Content-Digest (RFC 9530), the partner's standing, and the nonce, claimed
 * once. Every refusal is a typed error with a stable code; nothing here stores a referral.
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
    const lookupKey = async (keyId: string): Promise<KeyLookupResult> => {
      record = await this.partners.keyForVerification(keyId);
      if (!record) return undefined;
      if (record.revokedAt !== null) return 'revoked';
      return [verificationKey(record, this.secrets)];
    };
    const hasBody = request.body !== undefined;
    if (hasBody && fieldValues(request, 'content-digest') === undefined) {
      // Said before the signature check, which would only call the covered field absent.
      throw new NotAuthenticatedError(
        'digest_missing',
        'a request with a body must carry Content-Digest (RFC 9530) and sign it',
      );
    }
    const verified = await refuseAsUnauthenticated(async () => {
      const signature = await verifyRequest(request, {
        lookupKey,
        requiredComponents: hasBody ? WISSEL_COVERED_COMPONENTS : BODILESS_COVERED_COMPONENTS,
        clockSkewSeconds: this.config.SIGNATURE_MAX_SKEW_S,
        now: () => this.clock.now(),
      });
      if (request.body !== undefined) {
        verifyContentDigest(fieldValues(request, 'content-digest'), request.body);
      }
      return signature;
    });
    // verifyRequest returned, so the lookup found an active key and set the record.
    const partner = record!.partner;
    if (partner.status !== 'active') {
      throw new ForbiddenError('partner_suspended', `partner "${partner.id}" is suspended`);
    }
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

async function refuseAsUnauthenticated<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof SignatureError) {
      throw new NotAuthenticatedError(error.code, error.detail);
    }
    throw error;
  }
}

const joined = (request: HttpMessage, name: string) =>
  (fieldValues(request, name) ?? []).join(', ');
