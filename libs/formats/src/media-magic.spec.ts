import { sniffEmbeddedMedia, sniffMedia } from './media-magic';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('sniffMedia', () => {
  it.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['png', bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13])],
    ['gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['bmp', bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 0, 0x36])],
    ['tiff', bytes('II*\x00', [8, 0, 0, 0])],
    ['riff', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
    ['riff', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['iso-bmff', bytes([0, 0, 0, 0x20], 'ftypisom')],
    ['matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f])],
    ['mpeg-ps', bytes([0, 0, 1, 0xba, 0x44])],
    ['zip', bytes('PK', [3, 4, 20, 0])],
    ['pdf', bytes('%PDF-1.7\n')],
  ])('recognises %s', (format, input) => {
    expect(sniffMedia(input)?.format).toBe(format);
  });

  it('recognises an MPEG transport stream by its packet rhythm only', () => {
    const ts = Buffer.alloc(3 * 188, 0xff);
    [0, 188, 376].forEach((at) => (ts[at] = 0x47));
    expect(sniffMedia(ts)?.format).toBe('mpeg-ts');
    expect(sniffMedia(Buffer.from('Grooming report: '.padEnd(600, '.')))).toBeUndefined();
  });

  it.each([
    'Hash match notification',
    'BMW is a car brand, not a bitmap',
    '{"matched": true, "list": "2026-11"}',
    '',
  ])('leaves text alone: %j', (text) => {
    expect(sniffMedia(Buffer.from(text))).toBeUndefined();
  });
});

describe('sniffEmbeddedMedia', () => {
  it('finds a data URI of an image or a video', () => {
    expect(sniffEmbeddedMedia('see <img src="data:image/png;base64,AAAA">')?.kind).toBe('image');
    expect(sniffEmbeddedMedia('DATA: video/mp4;base64,')?.kind).toBe('video');
  });

  it('finds a base64-encoded picture inside a note', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('JFIF0000000000000000')]);
    expect(sniffEmbeddedMedia(`note: ${jpeg.toString('base64')} end`)?.format).toBe('jpeg');
  });

  it('leaves hex hashes and ordinary prose alone', () => {
    const note = `sha256 ${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'} matched`;
    expect(sniffEmbeddedMedia(note)).toBeUndefined();
    expect(sniffEmbeddedMedia('A user reported this page on 2026-11-18.')).toBeUndefined();
  });
});
