/**
 * Strict Ed25519 checks that node:crypto (OpenSSL) leaves out. OpenSSL verifies RFC 8032
 * signatures but accepts public keys of small order: with the identity key, a "signature"
 * of R = the base point and S = 1 verifies for every message, no private key needed. So a
 * key is refused, at registration and at verification, unless it is a canonical encoding
 * of a point on the curve whose order is not small; and a signature is refused unless S is
 * reduced (S < L) and R is a canonical encoding of a point that is not of small order (the
 * checks libsodium makes in crypto_sign_verify_detached).
 *
 * Hand-written, a few dozen lines of RFC 8032 §5.1.3-4 arithmetic on BigInt, because the
 * maintained libraries that offer these checks (@noble/curves 2, @noble/ed25519 3) are
 * ESM-only, which this CommonJS code base and its jest cannot load. Decoding a key costs
 * ~0.6 ms, so a key's verdict is cached; a signature's R is checked against the five
 * y-coordinates of the small-order points (as libsodium does), without decoding.
 */

const P = 2n ** 255n - 19n;
/** The order of the prime subgroup. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a: bigint) => ((a % P) + P) % P;

function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const D = mod(-121665n * pow(121666n, P - 2n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

/** A point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z. */
type Point = [bigint, bigint, bigint, bigint];

const littleEndian = (bytes: Uint8Array) =>
  bytes.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);

export type Ed25519PointProblem = 'length' | 'non_canonical' | 'not_on_curve' | 'small_order';

/** RFC 8032 §5.1.3 decoding, refusing a y ≥ p that OpenSSL would reduce. */
function decode(bytes: Uint8Array): Point | Ed25519PointProblem {
  if (bytes.byteLength !== 32) return 'length';
  const value = littleEndian(bytes);
  const y = value & ((1n << 255n) - 1n);
  const sign = value >> 255n;
  if (y >= P) return 'non_canonical';
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return 'not_on_curve';
  if (x === 0n && sign === 1n) return 'non_canonical';
  if ((x & 1n) !== sign) x = P - x;
  return [x, y, 1n, mod(x * y)];
}

/** RFC 8032 §5.1.4 addition, complete on this curve, so it doubles as well. */
function add([x1, y1, z1, t1]: Point, [x2, y2, z2, t2]: Point): Point {
  const a = mod((y1 - x1) * (y2 - x2));
  const b = mod((y1 + x1) * (y2 + x2));
  const c = mod(t1 * 2n * D * t2);
  const d = mod(z1 * 2n * z2);
  const [e, f, g, h] = [b - a, d - c, d + c, b + a];
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

/** Small order: 8·P is the identity (x = 0, y = z). */
function isSmallOrder(point: Point): boolean {
  let q = point;
  for (let i = 0; i < 3; i++) q = add(q, q);
  return q[0] === 0n && q[1] === q[2];
}

/** Why a raw 32-byte Ed25519 public key is unusable, if it is. */
export function ed25519PointProblem(bytes: Uint8Array): Ed25519PointProblem | undefined {
  const point = decode(bytes);
  if (typeof point === 'string') return point;
  return isSmallOrder(point) ? 'small_order' : undefined;
}

const verdicts = new Map<string, Ed25519PointProblem | undefined>();
const MAX_CACHED_VERDICTS = 4096;

/** ed25519PointProblem, cached: a partner's few keys are checked on every request. */
export function cachedEd25519PointProblem(bytes: Uint8Array): Ed25519PointProblem | undefined {
  const key = Buffer.from(bytes).toString('hex');
  if (verdicts.has(key)) return verdicts.get(key);
  const verdict = ed25519PointProblem(bytes);
  if (verdicts.size >= MAX_CACHED_VERDICTS) verdicts.clear();
  verdicts.set(key, verdict);
  return verdict;
}

const Y_MASK = (1n << 255n) - 1n;
/**
 * The y-coordinates of the eight points of small order: the identity (1), the point of
 * order 2 (p − 1), the two of order 4 (0), and the four of order 8 (two y values, each
 * with either x). From libsodium's blacklist; the tests check each against the arithmetic.
 */
export const SMALL_ORDER_Y: ReadonlySet<bigint> = new Set([
  0n,
  1n,
  P - 1n,
  littleEndian(
    Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex'),
  ),
  littleEndian(
    Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex'),
  ),
]);

/** A 64-byte signature with a reduced S and an R that is canonical and not of small order. */
export function isStrictEd25519Signature(signature: Uint8Array): boolean {
  if (signature.byteLength !== 64) return false;
  if (littleEndian(signature.subarray(32)) >= L) return false;
  const r = littleEndian(signature.subarray(0, 32)) & Y_MASK;
  return r < P && !SMALL_ORDER_Y.has(r);
}
