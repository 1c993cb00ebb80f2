/**
 * Recognises image, video and media-container bytes by their first bytes ("magic numbers"),
 * so that a parser can refuse them whatever type the sender declared. Wissel never accepts
 * media bytes: a false positive costs a refused note, a false negative could store abuse
 * material, so the table leans towards refusing. Hand-written rather than a library such as
 * file-type: that one is ESM-only, async and reads far more than the few signatures needed
 * here, and this must run synchronously inside parsers that never throw.
 */

export type MediaMagicKind = 'image' | 'video' | 'container';

export interface MediaMagic {
  /** A short name of the recognised format, e.g. "jpeg", "iso-bmff". Never the bytes. */
  format: string;
  kind: MediaMagicKind;
}

interface Signature extends MediaMagic {
  /** Byte offset where `bytes` must appear. */
  at: number;
  /** `null` matches any byte. */
  bytes: ReadonlyArray<number | null>;
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const SIGNATURES: readonly Signature[] = [
  { format: 'jpeg', kind: 'image', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { format: 'png', kind: 'image', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { format: 'gif', kind: 'image', at: 0, bytes: ascii('GIF87a') },
  { format: 'gif', kind: 'image', at: 0, bytes: ascii('GIF89a') },
  // "BM" alone starts plenty of text; a real BMP header has four reserved zero bytes at 6.
  {
    format: 'bmp',
    kind: 'image',
    at: 0,
    bytes: [...ascii('BM'), null, null, null, null, 0, 0, 0, 0],
  },
  { format: 'tiff', kind: 'image', at: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { format: 'tiff', kind: 'image', at: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  {
    format: 'jpeg2000',
    kind: 'image',
    at: 0,
    bytes: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20],
  },
  { format: 'jpeg2000', kind: 'image', at: 0, bytes: [0xff, 0x4f, 0xff, 0x51] },
  { format: 'jpeg-xl', kind: 'image', at: 0, bytes: [0xff, 0x0a] },
  { format: 'jpeg-xl', kind: 'image', at: 0, bytes: [0x00, 0x00, 0x00, 0x0c, ...ascii('JXL ')] },
  { format: 'ico', kind: 'image', at: 0, bytes: [0x00, 0x00, 0x01, 0x00] },
  { format: 'psd', kind: 'image', at: 0, bytes: ascii('8BPS') },
  // RIFF holds WebP, AVI and WAV among others: refused whatever its form type.
  { format: 'riff', kind: 'container', at: 0, bytes: ascii('RIFF') },
  // ISO base media (MP4, MOV, 3GP, HEIC, AVIF): a box size, then the box type.
  { format: 'iso-bmff', kind: 'video', at: 4, bytes: ascii('ftyp') },
  { format: 'quicktime', kind: 'video', at: 4, bytes: ascii('moov') },
  { format: 'quicktime', kind: 'video', at: 4, bytes: ascii('mdat') },
  { format: 'matroska', kind: 'video', at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3] },
  { format: 'mpeg-ps', kind: 'video', at: 0, bytes: [0x00, 0x00, 0x01, 0xba] },
  { format: 'mpeg-video', kind: 'video', at: 0, bytes: [0x00, 0x00, 0x01, 0xb3] },
  { format: 'flv', kind: 'video', at: 0, bytes: [...ascii('FLV'), 0x01] },
  {
    format: 'asf',
    kind: 'video',
    at: 0,
    bytes: [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11],
  },
  { format: 'ogg', kind: 'video', at: 0, bytes: ascii('OggS') },
  // Containers that commonly wrap images or video.
  { format: 'zip', kind: 'container', at: 0, bytes: [...ascii('PK'), 0x03, 0x04] },
  { format: 'rar', kind: 'container', at: 0, bytes: ascii('Rar!') },
  { format: '7z', kind: 'container', at: 0, bytes: [...ascii('7z'), 0xbc, 0xaf, 0x27, 0x1c] },
  { format: 'gzip', kind: 'container', at: 0, bytes: [0x1f, 0x8b] },
  { format: 'pdf', kind: 'container', at: 0, bytes: ascii('%PDF-') },
];

/** MPEG transport stream packets are 188 bytes, each starting with 0x47 ("G"). */
const TS_PACKET = 188;

/**
 * The media format the bytes start with, or undefined when none is recognised.
 * `minSignature` skips signatures shorter than that many bytes (for guesses on random data).
 */
export function sniffMedia(bytes: Uint8Array, minSignature = 1): MediaMagic | undefined {
  for (const s of SIGNATURES) {
    if (s.bytes.length < minSignature || bytes.length < s.at + s.bytes.length) continue;
    if (s.bytes.every((b, i) => b === null || bytes[s.at + i] === b)) {
      return { format: s.format, kind: s.kind };
    }
  }
  // One "G" is common text; three at packet distance is a transport stream.
  if (bytes.length > 2 * TS_PACKET && [0, 1, 2].every((p) => bytes[p * TS_PACKET] === 0x47)) {
    return { format: 'mpeg-ts', kind: 'video' };
  }
  return undefined;
}

// A run of base64 long enough to hold a media header (24 characters decode to 18 bytes).
const BASE64_RUN = /[A-Za-z0-9+/]{24,}/g;
const DATA_URI = /data:\s*(image|video)\//i;

/**
 * Media hidden in text: a `data:image/…` or `data:video/…` URI, or a base64 run that
 * decodes to bytes sniffMedia recognises (a note that is itself an encoded picture).
 */
export function sniffEmbeddedMedia(text: string): MediaMagic | undefined {
  const uri = DATA_URI.exec(text);
  if (uri) return { format: 'data-uri', kind: uri[1]!.toLowerCase() as 'image' | 'video' };
  for (const match of text.matchAll(BASE64_RUN)) {
    const head = Buffer.from(match[0].slice(0, 32), 'base64');
    // Two-byte signatures would match one run in 65,536 of ordinary text: not for guessing.
    const found = sniffMedia(head, 3);
    if (found) return found;
  }
  return undefined;
}
