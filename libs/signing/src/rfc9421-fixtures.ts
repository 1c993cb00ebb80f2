// Test material from RFC 9421 Appendix B, copied verbatim; used by the specs only.
import { HttpMessage } from './message';

/** B.2: the test request, `POST /foo?param=Value&Pet=dog` to example.com over https. */
export const TEST_REQUEST: HttpMessage = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    host: 'example.com',
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'content-length': '18',
  },
};

export const TEST_REQUEST_BODY = Buffer.from('{"hello": "world"}', 'utf8');

/** B.1.4: test-key-ed25519, as a JWK. */
export const TEST_KEY_ED25519 = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
} as const;

/** B.1.4: the same key's public half as SPKI PEM. */
export const TEST_KEY_ED25519_PUBLIC_PEM = [
  '-----BEGIN PUBLIC KEY-----',
  'MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=',
  '-----END PUBLIC KEY-----',
].join('\n');

/** B.1.5: test-shared-secret, 64 bytes given in base64. */
export const TEST_SHARED_SECRET = Buffer.from(
  'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==',
  'base64',
);
