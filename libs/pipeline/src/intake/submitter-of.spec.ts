import { type InboundMessage } from '@wissel/messaging';
import { submitterOf } from './submitter-of';

const message = (headers: Record<string, string>) =>
  ({
    topic: 't',
    partition: 0,
    offset: '0',
    key: null,
    value: Buffer.from('{}'),
    headers,
  }) as InboundMessage;

describe('submitterOf', () => {
  it("names the API partner and its recipients from the gateway's headers", () => {
    expect(
      submitterOf(
        message({ 'wissel-partner-id': 'iwf', 'wissel-partner-recipients': 'gb-hotline,' }),
        undefined,
      ),
    ).toEqual({ partnerId: 'iwf', recipients: ['gb-hotline'] });
  });

  it('names no one from a header PostgreSQL could not store (not the gateway)', () => {
    expect(submitterOf(message({ 'wissel-partner-id': 'a\u0000b' }), undefined)).toBeUndefined();
    expect(
      submitterOf(
        message({ 'wissel-partner-id': 'iwf', 'wissel-partner-recipients': 'x\ud800,gb-hotline' }),
        undefined,
      ),
    ).toEqual({ partnerId: 'iwf', recipients: ['gb-hotline'] });
  });
});
