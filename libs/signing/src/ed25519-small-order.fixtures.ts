/**
 * Test material for Ed25519 attacks, shared by the unit tests and the e2e attack table:
 * the points of small order (public keys under which signatures can be forged), the base
 * point, the group order L, and little-endian scalar encoding. Not used by Wissel itself.
 */
const hex = (h: string) => Buffer.from(h, 'hex');
/** The field prime 2^255 − 19. */
export const P = 2n ** 255n - 19n;

/** The order of the base point's subgroup (RFC 8032 §5.1). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A scalar or coordinate as 32 little-endian bytes. */
export function encodeScalar(n: bigint): Buffer {
  const bytes = Buffer.alloc(32);
  for (let i = 0, v = n; i < 32; i++, v >>= 8n) bytes[i] = Number(v & 0xffn);
  return bytes;
}

/** 32 little-endian bytes as a number. */
export function decodeScalar(bytes: Uint8Array): bigint {
  return bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);
}

/** The same encoding with the sign bit of x set. */
export const withSign = (bytes: Buffer) =>
  Buffer.from(bytes.map((b, i) => (i === 31 ? b | 0x80 : b)));

/** The eight points of small order, as libsodium lists them (crypto_core ed25519 blacklist). */
export const SMALL_ORDER_POINTS: Array<[string, Buffer]> = [
  ['the identity (order 1)', encodeScalar(1n)],
  ['(0, −1) (order 2)', encodeScalar(P - 1n)],
  ['(i, 0) (order 4)', encodeScalar(0n)],
  ['(−i, 0) (order 4)', withSign(encodeScalar(0n))],
  ['order 8, a', hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')],
  ['order 8, a with −x', hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85')],
  ['order 8, b', hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')],
  ['order 8, b with −x', hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa')],
];

/** The base point's encoding (RFC 8032 §5.1): y = 4/5. */
export const BASE_POINT = hex('5866666666666666666666666666666666666666666666666666666666666666');
