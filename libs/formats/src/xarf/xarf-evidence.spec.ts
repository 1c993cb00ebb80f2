import { checkEvidence, MAX_EVIDENCE_NOTE_BYTES } from './xarf-evidence';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const item = (content_type: string, payload: string) => ({ content_type, payload });
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

describe('checkEvidence', () => {
  it.each([
    ['text/plain', b64('Hash match notification')],
    ['text/csv; charset=utf-8', b64('url_key,matched\nab12,true\n')],
    ['application/json', b64('{"matched":true}')],
    ['TEXT/PLAIN', b64('Référence : 4471 — vérifié')],
    ['text/plain', ''],
  ])('accepts a %s note', (type, payload) => {
    expect(checkEvidence([item(type, payload)])).toBeUndefined();
  });

  it('accepts a note of exactly the limit', () => {
    const note = b64('a'.repeat(MAX_EVIDENCE_NOTE_BYTES));
    expect(checkEvidence([item('text/plain', note)])).toBeUndefined();
  });

  it.each([
    ['an image type', item('image/png', b64('not really a png')), 'media_bytes_forbidden'],
    ['a video type', item('video/mp4', b64('x')), 'media_bytes_forbidden'],
    ['octet-stream', item('application/octet-stream', b64('x')), 'media_bytes_forbidden'],
    ['an archive', item('application/zip', b64('x')), 'media_bytes_forbidden'],
    ['a JPEG declared as text', item('text/plain', b64(JPEG)), 'media_bytes_forbidden'],
    [
      'an MP4 declared as JSON',
      item('application/json', b64(Buffer.from('\0\0\0\x18ftypmp42'))),
      'media_bytes_forbidden',
    ],
    [
      'binary declared as text',
      item('text/plain', b64(Buffer.from([0x41, 0x00, 0x02, 0x42]))),
      'media_bytes_forbidden',
    ],
    [
      'a data: image in an HTML note',
      item('text/html', b64('<img src="data:image/jpeg;base64,/9j/4AAQ">')),
      'media_bytes_forbidden',
    ],
    [
      'a base64 picture in a note',
      item('text/plain', b64(`photo: ${b64(Buffer.concat([JPEG, Buffer.alloc(20, 0x41)]))}`)),
      'media_bytes_forbidden',
    ],
    [
      'a note over the limit',
      item('text/plain', b64('a'.repeat(MAX_EVIDENCE_NOTE_BYTES + 1))),
      'schema_violation',
    ],
    ['base64 without padding', item('text/plain', 'SGFzaA'), 'schema_violation'],
    ['base64 with line breaks', item('text/plain', 'SGFz\naA=='), 'schema_violation'],
    [
      'base64url',
      item('text/plain', b64('??>>').replace(/\+/g, '-').replace(/\//g, '_')),
      'schema_violation',
    ],
  ])('refuses %s, naming the payload', (_name, evidence, code) => {
    const result = checkEvidence([item('text/plain', b64('fine')), evidence]);
    expect(result).toMatchObject({ ok: false, rejection: { code, field: '/evidence/1/payload' } });
  });
});
