import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_TEXT_CHARS, mediaBytesField } from './media-in-document';
import { PARSERS } from './parsers';

const fixtures = join(__dirname, '../../../test/fixtures');
/** 300 bytes that start like a JPEG file, base64-encoded as a sender would smuggle them. */
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(296, 7)]).toString(
  'base64',
);
const LIMIT = 5 * 1024 * 1024;

describe('media bytes anywhere in a document', () => {
  const canonical = JSON.parse(
    readFileSync(join(fixtures, 'canonical/iwf-nl-hosted.json'), 'utf8'),
  );

  it.each([
    ['an unknown top-level property', { ...canonical, thumbnail: JPEG }, '/thumbnail'],
    [
      'an unknown property of a media item',
      {
        ...canonical,
        media: [{ ...canonical.media[0], preview: `data:image/png;base64,${JPEG}` }],
      },
      '/media/0/preview',
    ],
    [
      'a string longer than any field',
      { ...canonical, notes: 'a'.repeat(MAX_TEXT_CHARS + 1) },
      '/notes',
    ],
  ])('refuses a canonical referral with media in %s', (_name, document, field) => {
    const result = PARSERS.canonical(Buffer.from(JSON.stringify(document)), LIMIT);
    expect(result).toMatchObject({
      ok: false,
      rejection: { code: 'media_bytes_forbidden', field },
    });
  });

  it('accepts the same referral without them', () => {
    expect(PARSERS.canonical(Buffer.from(JSON.stringify(canonical)), LIMIT)).toMatchObject({
      ok: true,
    });
  });

  it('refuses media in an XML element Wissel does not read', () => {
    const xml = readFileSync(join(fixtures, 'cybertip/example.xml'), 'utf8').replace(
      '</fileDetails>',
      `<thumbnail>${JPEG}</thumbnail></fileDetails>`,
    );
    const result = PARSERS.cybertip(Buffer.from(xml), LIMIT);
    expect(result).toMatchObject({ ok: false, rejection: { code: 'media_bytes_forbidden' } });
  });

  it('names the first offending field in document order, and honours the exemptions', () => {
    const document = { a: 'fine', b: [{ c: JPEG }], d: JPEG };
    expect(mediaBytesField(document)).toMatchObject({ rejection: { field: '/b/0/c' } });
    expect(mediaBytesField(document, (p) => p === '/b/0/c')).toMatchObject({
      rejection: { field: '/d' },
    });
    expect(mediaBytesField({ hash: 'a'.repeat(64), url: 'https://x.example/a/b' })).toBeUndefined();
  });
});
