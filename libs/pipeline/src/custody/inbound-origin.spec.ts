import { createHash } from 'node:crypto';
import { inboundOrigin } from './inbound-origin';

describe('inboundOrigin', () => {
  it('keeps the record position, time, headers and the SHA-256 of the exact bytes', () => {
    const value = Buffer.from('{"a":"é"}\n', 'utf8');
    expect(
      inboundOrigin({
        topic: 'referrals.in.canonical.v1',
        partition: 2,
        offset: '9007199254740993',
        key: null,
        value,
        headers: { 'wissel-partner-id': 'iwf', 'wissel-evidence-id': 'e-1' },
        timestamp: '2026-12-02T10:00:00.000Z',
      }),
    ).toEqual({
      topic: 'referrals.in.canonical.v1',
      partition: 2,
      offset: '9007199254740993',
      timestamp: '2026-12-02T10:00:00.000Z',
      headers: { 'wissel-partner-id': 'iwf', 'wissel-evidence-id': 'e-1' },
      sha256: createHash('sha256').update(value).digest('hex'),
    });
  });

  it('has no timestamp where the message has none', () => {
    const origin = inboundOrigin({
      topic: 't',
      partition: 0,
      offset: '0',
      key: null,
      value: null,
      headers: {},
    });
    expect(origin).not.toHaveProperty('timestamp');
    expect(origin.sha256).toBe(createHash('sha256').update('').digest('hex'));
  });

  it('keeps a header holding a NUL, or a very long one, as a digest (jsonb refuses U+0000)', () => {
    const long = 'h'.repeat(10_000);
    const origin = inboundOrigin({
      topic: 't',
      partition: 0,
      offset: '1',
      key: null,
      value: Buffer.from('{}'),
      headers: { 'wissel-partner-id': 'a\u0000b', 'x\u0000y': 'v', traceparent: long, ok: 'fine' },
    });
    const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
    expect(origin.headers).toEqual({ ok: 'fine' });
    expect(origin.headerDigests).toEqual({
      'wissel-partner-id': { sha256: sha('a\u0000b'), length: 3 },
      'x%00y': { sha256: sha('v'), length: 1 },
      traceparent: { sha256: sha(long), length: 10_000 },
    });
    expect(JSON.stringify(origin)).not.toContain('\\u0000');
  });
});
