import fc from 'fast-check';
import { ACK_KINDS } from './ack';
import { type AckParseResult, MAX_ACK_NOTE_LENGTH, parseDispatchAck } from './parse-ack';

const ID = '0F8E2D3C-1B4A-4C5D-9E6F-7A8B9C0D1E2F';
const message = (overrides: Record<string, unknown> = {}) => ({
  dispatchId: ID,
  recipient: 'nl-hotline',
  kind: 'removed',
  at: '2026-11-22T10:15:00+01:00',
  ...overrides,
});
const rejection = (result: AckParseResult) => {
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
};
const value = (result: AckParseResult) => {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  return result.value;
};

describe('parseDispatchAck: accepted', () => {
  it('reads a removed ack, lower-casing the dispatch id and resolving the offset', () => {
    expect(value(parseDispatchAck(message()))).toEqual({
      dispatchId: ID.toLowerCase(),
      recipient: 'nl-hotline',
      kind: 'removed',
      at: new Date('2026-11-22T09:15:00Z'),
    });
  });

  it('reads a rejection with its reason and note', () => {
    const ack = value(parseDispatchAck(message({ kind: 'rejected', reason: 'other', note: 'n' })));
    expect(ack).toMatchObject({ kind: 'rejected', reason: 'other', note: 'n' });
  });

  it('canonicalises a moved URL and lower-cases a moved host', () => {
    const url = parseDispatchAck(
      message({ kind: 'moved', newLocation: 'HTTPS://New.Example:443/a/../b' }),
    );
    expect(value(url)).toMatchObject({ newLocation: 'https://new.example/b' });
    const host = parseDispatchAck(message({ kind: 'moved', newLocation: 'Files.EXAMPLE.org' }));
    expect(value(host)).toMatchObject({ newLocation: 'files.example.org' });
  });

  it('accepts every ack kind with the fields that kind needs', () => {
    const needs = { rejected: { reason: 'duplicate' }, moved: { newLocation: 'a.example' } };
    for (const kind of ACK_KINDS) {
      const extra = (needs as Record<string, object>)[kind] ?? {};
      expect(value(parseDispatchAck(message({ kind, ...extra }))).kind).toBe(kind);
    }
  });
});

describe('parseDispatchAck: rejected, naming the field', () => {
  it.each([
    ['a non-object', [], 'ack_not_object', undefined],
    ['a missing dispatchId', message({ dispatchId: undefined }), 'field_missing', '/dispatchId'],
    [
      'a dispatchId that is no UUID',
      message({ dispatchId: 'abc' }),
      'field_invalid',
      '/dispatchId',
    ],
    [
      'a recipient with capitals',
      message({ recipient: 'NL-Hotline' }),
      'field_invalid',
      '/recipient',
    ],
    ['an unknown kind', message({ kind: 'deleted' }), 'field_invalid', '/kind'],
    ['a time without offset', message({ at: '2026-11-22T10:15:00' }), 'field_invalid', '/at'],
    ['30 February', message({ at: '2026-02-30T10:15:00Z' }), 'field_invalid', '/at'],
    ['hour 24', message({ at: '2026-02-10T24:00:00Z' }), 'field_invalid', '/at'],
    ['a number for at', message({ at: 1764000000 }), 'field_invalid', '/at'],
    ['a rejection without reason', message({ kind: 'rejected' }), 'field_missing', '/reason'],
    [
      'an unknown reason',
      message({ kind: 'rejected', reason: 'busy' }),
      'field_invalid',
      '/reason',
    ],
    [
      'reason other without a note',
      message({ kind: 'rejected', reason: 'other' }),
      'field_missing',
      '/note',
    ],
    ['a reason on a removal', message({ reason: 'not_csam' }), 'field_not_allowed', '/reason'],
    ['a move without location', message({ kind: 'moved' }), 'field_missing', '/newLocation'],
    [
      'a location on a removal',
      message({ newLocation: 'a.example' }),
      'field_not_allowed',
      '/newLocation',
    ],
    [
      'a host with a path',
      message({ kind: 'moved', newLocation: 'a.example/x' }),
      'field_invalid',
      '/newLocation',
    ],
    [
      'an ftp location',
      message({ kind: 'moved', newLocation: 'ftp://a.example/x' }),
      'field_invalid',
      '/newLocation',
    ],
    ['a blank note', message({ note: '   ' }), 'field_invalid', '/note'],
    // PostgreSQL refuses both: stored, they would block the status partition for ever.
    ['a note with U+0000', message({ note: 'a\u0000b' }), 'field_invalid', '/note'],
    ['a note with a lone surrogate', message({ note: 'a\ud800' }), 'field_invalid', '/note'],
    [
      'a note too long',
      message({ note: 'x'.repeat(MAX_ACK_NOTE_LENGTH + 1) }),
      'field_invalid',
      '/note',
    ],
    [
      'an unknown field',
      message({ newlocation: 'a.example' }),
      'field_not_allowed',
      '/newlocation',
    ],
  ])('%s', (_name, input, code, field) => {
    const r = rejection(parseDispatchAck(input));
    expect(r.code).toBe(code);
    expect(r.field).toBe(field);
    expect(r.detail.length).toBeGreaterThan(0);
  });

  it('never echoes a rejected location', () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.constantFrom('user@', 'a b', '\\'), (url, poison) => {
        const newLocation = url.replace('://', `://${poison}`);
        const r = rejection(parseDispatchAck(message({ kind: 'moved', newLocation })));
        expect(r.field).toBe('/newLocation');
        expect(JSON.stringify(r)).not.toContain(new URL(url).hostname);
      }),
    );
  });
});
