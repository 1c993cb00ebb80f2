import { MalformedRequestError, type AddPartnerKeyCommand } from '@wissel/pipeline';

/** The add-key request body, checked into a command: JSON in, typed command out. */
export function toAddKeyCommand(partnerId: string, body: unknown): AddPartnerKeyCommand {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const keyId = b.keyId === undefined ? undefined : String(b.keyId);
  const alg = b.alg;
  if (alg !== 'ed25519' && alg !== 'hmac-sha256') {
    throw new MalformedRequestError('key_invalid', 'alg must be ed25519 or hmac-sha256', {
      field: 'alg',
    });
  }
  if (b.generate === true) return { partnerId, keyId, alg, generate: true };
  if (alg === 'ed25519') {
    return {
      partnerId,
      keyId,
      alg,
      publicJwk: (b.publicJwk ?? {}) as { kty: string; crv: string; x: string },
    };
  }
  if (typeof b.secret !== 'string' || !/^[A-Za-z0-9_-]+$/.test(b.secret)) {
    throw new MalformedRequestError('key_invalid', 'secret must be base64url text', {
      field: 'secret',
    });
  }
  return { partnerId, keyId, alg, secret: Buffer.from(b.secret, 'base64url') };
}
