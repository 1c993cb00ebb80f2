// The worked examples in docs/partner-api.md must authenticate with the gateway's own code:
// a change to either that breaks them fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@wissel/config';
import { type PartnerNonceRepository, type PartnerRepository } from '@wissel/persistence';
import {
  AuthenticatePartnerUseCase,
  PartnerSecretSealer,
  type PartnerClock,
} from '@wissel/pipeline';
import { publicJwk, ed25519PublicKey } from '@wissel/signing';
// The RFC 9421 test key the examples are signed with (libs/signing's test fixture).
import { TEST_KEY_ED25519 } from '../../../../libs/signing/src/rfc9421-fixtures';

const doc = readFileSync(join(__dirname, '../../../../docs/partner-api.md'), 'utf8');
const examples = [...doc.matchAll(/```http\n([\s\S]*?)\n```/g)].map((m) => m[1]!);

function parse(example: string) {
  const [head, body] = example.split('\n\n');
  const [requestLine, ...fields] = head!.split('\n');
  const [method, path] = requestLine!.split(' ');
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const at = field.indexOf(': ');
    headers[field.slice(0, at).toLowerCase()] = field.slice(at + 2);
  }
  const created = Number(/created=(\d+)/.exec(headers['signature-input']!)![1]);
  return {
    request: {
      method: method!,
      url: `https://${headers.host}${path}`,
      headers,
      body: body === undefined ? undefined : Buffer.from(body, 'utf8'),
    },
    created,
  };
}

describe('docs/partner-api.md worked examples', () => {
  it('has a POST and a GET example', () => {
    expect(examples.map((e) => e.split(' ')[0])).toEqual(['POST', 'GET']);
  });

  it.each(examples.map((e) => [e.split('\n')[0]!, e]))(
    '%s authenticates',
    async (_line, example) => {
      const { request, created } = parse(example);
      const key = publicJwk(ed25519PublicKey(TEST_KEY_ED25519));
      const useCase = new AuthenticatePartnerUseCase(
        loadConfig({}),
        {
          keyForVerification: async (keyId: string) =>
            keyId === 'test-key-ed25519'
              ? {
                  keyId,
                  alg: 'ed25519',
                  publicJwk: key,
                  hmacSecretSealed: null,
                  legacyHmacSecret: null,
                  revokedAt: null,
                  partner: { id: 'example', status: 'active', sourceSystems: ['EXAMPLE'] },
                }
              : undefined,
        } as unknown as PartnerRepository,
        { claim: async () => true } as unknown as PartnerNonceRepository,
        { now: () => new Date(created * 1000) } as PartnerClock,
        {} as PartnerSecretSealer,
      );
      await expect(useCase.execute(request)).resolves.toMatchObject({
        partnerId: 'example',
        evidence: { keyId: 'test-key-ed25519', alg: 'ed25519' },
      });
    },
  );
});
