import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  ed25519PointProblem,
  ed25519PublicKey,
  generateEd25519KeyPair,
  type Ed25519PrivateJwk,
  type Ed25519PublicJwk,
} from '@wissel/signing';
import { PartnerRepository, type PartnerKeyAlg } from '@wissel/persistence';
import { PartnerSecretSealer } from '../data-protection/partner-secret-sealer';
import { PartnerClock } from './partner-clock';
import { ConflictError, MalformedRequestError, NotFoundError } from './partner-errors';

/**
 * A key to add: the partner's Ed25519 public JWK or an HMAC secret they were given, or
 * `generate` to have Wissel make one and hand it out once.
 */
export type AddPartnerKeyCommand = {
  partnerId: string;
  /** Globally unique; generated from the partner id and date when absent. */
  keyId?: string;
} & (
  | { alg: 'ed25519'; publicJwk: { kty: string; crv: string; x: string } }
  | { alg: 'hmac-sha256'; secret: Buffer }
  | { alg: PartnerKeyAlg; generate: true }
);

export interface AddedPartnerKey {
  partnerId: string;
  keyId: string;
  alg: PartnerKeyAlg;
  /** Only when generated: the private JWK to give the partner. Never stored by Wissel. */
  privateJwk?: Ed25519PrivateJwk;
  /** Only when generated: the HMAC secret (base64url) to give the partner. */
  secret?: string;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const MIN_HMAC_SECRET_BYTES = 32;

/** Adds a signing key to a partner (operators only). Several active keys allow rotation. */
@Injectable()
export class AddPartnerKeyUseCase {
  private readonly logger = new Logger('partner-admin');

  constructor(
    private readonly partners: PartnerRepository,
    private readonly clock: PartnerClock,
    private readonly secrets: PartnerSecretSealer,
  ) {}

  async execute(command: AddPartnerKeyCommand): Promise<AddedPartnerKey> {
    const partner = await this.partners.find(command.partnerId);
    if (!partner) {
      throw new NotFoundError('partner_not_found', `no partner "${command.partnerId}"`);
    }
    const keyId = command.keyId ?? this.newKeyId(partner.id);
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new MalformedRequestError(
        'key_invalid',
        'keyId must be 1–128 letters, digits, ".", "_", ":" or "-"',
        { field: 'keyId' },
      );
    }
    const material = keyMaterial(command);
    const added = await this.partners.addKey({
      keyId,
      partnerId: partner.id,
      alg: command.alg,
      publicJwk: material.publicJwk,
      // Sealed here, so the secret never reaches the database (or its logs) in the clear.
      hmacSecretSealed:
        material.hmacSecret === undefined
          ? undefined
          : this.secrets.seal(keyId, material.hmacSecret),
    });
    if (added === 'key_id_taken') {
      throw new ConflictError('key_id_taken', `the key id "${keyId}" is already registered`, {
        field: 'keyId',
      });
    }
    if (added === 'public_key_taken') {
      throw new ConflictError(
        'public_key_taken',
        'this public key is already registered; each partner signs with keys of its own',
        { field: 'publicJwk' },
      );
    }
    this.logger.log({ partnerId: partner.id, keyId, alg: command.alg }, 'partner key added');
    return { partnerId: partner.id, keyId, alg: command.alg, ...material.handOut };
  }

  private newKeyId(partnerId: string): string {
    const day = this.clock.now().toISOString().slice(0, 10).replaceAll('-', '');
    return `${partnerId}-${day}-${randomBytes(3).toString('hex')}`;
  }
}

function keyMaterial(command: AddPartnerKeyCommand): {
  publicJwk?: Ed25519PublicJwk;
  hmacSecret?: Buffer;
  handOut: { privateJwk?: Ed25519PrivateJwk; secret?: string };
} {
  if ('generate' in command) {
    if (command.alg === 'ed25519') {
      const pair = generateEd25519KeyPair();
      return { publicJwk: bare(pair.publicJwk), handOut: { privateJwk: pair.privateJwk } };
    }
    const secret = randomBytes(MIN_HMAC_SECRET_BYTES);
    return { hmacSecret: secret, handOut: { secret: secret.toString('base64url') } };
  }
  if (command.alg === 'ed25519') {
    const jwk = command.publicJwk;
    if (!isEd25519PublicJwk(jwk)) {
      throw new MalformedRequestError(
        'key_invalid',
        'publicJwk must be an Ed25519 public JWK ({"kty":"OKP","crv":"Ed25519","x":…})',
        { field: 'publicJwk' },
      );
    }
    // Small-order and non-canonical keys verify forged signatures: never registered.
    const problem = ed25519PointProblem(Buffer.from(jwk.x, 'base64url'));
    if (problem) {
      throw new MalformedRequestError(
        'key_invalid',
        `publicJwk is not a usable Ed25519 public key (${problem.replace('_', ' ')})`,
        { field: 'publicJwk' },
      );
    }
    return { publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, handOut: {} };
  }
  if (!Buffer.isBuffer(command.secret) || command.secret.length < MIN_HMAC_SECRET_BYTES) {
    throw new MalformedRequestError(
      'key_invalid',
      `an HMAC-SHA256 secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes`,
      { field: 'secret' },
    );
  }
  return { hmacSecret: command.secret, handOut: {} };
}

/** Only what verifying needs; kid/alg/use of a partner's JWK are not stored. */
const bare = (jwk: Ed25519PublicJwk): Ed25519PublicJwk => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: jwk.x,
});

function isEd25519PublicJwk(jwk: { kty?: unknown; crv?: unknown; x?: unknown } | undefined) {
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return false;
  try {
    ed25519PublicKey({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
    return true;
  } catch {
    return false;
  }
}
