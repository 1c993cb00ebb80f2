import { verdictForStatus } from './webhook-outcome';

describe('verdictForStatus', () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(verdictForStatus(status)).toEqual({ kind: 'delivered' });
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (status) => {
    expect(verdictForStatus(status)).toMatchObject({ kind: 'retry' });
  });

  it.each([
    [400, 'http_400'],
    [401, 'http_401'],
    [404, 'http_404'],
    [410, 'http_410'],
    [422, 'http_422'],
    [301, 'redirect'],
    [307, 'redirect'],
    [308, 'redirect'],
  ])('%i is refused for good (%s)', (status, reason) => {
    expect(verdictForStatus(status)).toMatchObject({ kind: 'refused', reason });
  });
});
