/**
 * Parsers for the plain address forms found in range files, used to load hundreds of
 * thousands of rows quickly: ipaddr.js, with its regular expressions and objects, is
 * several times slower here. Anything unusual returns "not parsed" and the caller falls
 * back to ipaddr.js, which stays the reference (a property test compares the two).
 */

const DOT = 0x2e;
const COLON = 0x3a;

/** Canonical dotted decimal in text[from, to) → unsigned 32-bit value, or -1. */
export function ipv4At(text: string, from: number, to: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      // A leading zero could mean octal to inet_aton: leave it to ipaddr.js.
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

const groups = new Uint16Array(8);

/**
 * Hex-and-colon IPv6 in text[from, to) → four 32-bit words written at out[offset…].
 * Returns false for embedded IPv4, zone ids or anything invalid.
 */
export function ipv6At(
  text: string,
  from: number,
  to: number,
  out: Uint32Array,
  offset: number,
): boolean {
  let count = 0;
  let gap = -1; // how many groups precede '::'
  let i = from;
  if (text.charCodeAt(i) === COLON) {
    if (text.charCodeAt(i + 1) !== COLON) return false;
    gap = 0;
    i += 2;
  }
  while (i < to) {
    let value = 0;
    let digits = 0;
    for (let nibble = hexValue(text.charCodeAt(i)); nibble >= 0 && i < to;) {
      value = value * 16 + nibble;
      if (++digits > 4) return false;
      nibble = hexValue(text.charCodeAt(++i));
    }
    if (digits === 0 || count === 8) return false;
    groups[count++] = value;
    if (i === to) break;
    if (text.charCodeAt(i) !== COLON || ++i === to) return false;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const zeros = 8 - count;
  for (let k = 0; k < 4; k++) {
    out[offset + k] = groupAt(2 * k, gap, zeros) * 0x10000 + groupAt(2 * k + 1, gap, zeros);
  }
  return true;
}

/** Group k of the expanded address: parsed groups with `zeros` zero groups at `gap`. */
function groupAt(k: number, gap: number, zeros: number): number {
  if (gap < 0 || k < gap) return groups[k];
  return k < gap + zeros ? 0 : groups[k - zeros];
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}
