import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './openapi-document';

describe('the OpenAPI document', () => {
  it('docs/openapi.json is what the code generates (else run: npm run build && npm run openapi)', async () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8'),
    );
    // Through JSON, as the script writes it: undefined members disappear.
    const generated: unknown = JSON.parse(JSON.stringify(await buildOpenApiDocument()));
    expect(committed).toEqual(generated);
  });

  it('documents the partner and operator endpoints with problem+json errors', async () => {
    const document = await buildOpenApiDocument();
    expect(Object.keys(document.paths).sort()).toEqual([
      '/.well-known/jwks.json',
      '/admin/dashboard.json',
      '/admin/dead-letters',
      '/admin/dead-letters/{id}',
      '/admin/dead-letters/{id}/replay',
      '/admin/dead-letters/{id}/reveal',
      '/admin/dispatches/{id}',
      '/admin/dispatches/{id}/replay',
      '/admin/holds',
      '/admin/holds/{id}',
      '/admin/hoster-monitor',
      '/admin/hoster-monitor.csv',
      '/admin/origin-disclosures',
      '/admin/origin-disclosures/{id}',
      '/admin/origin-disclosures/{id}/confirm',
      '/admin/partners',
      '/admin/partners/{partnerId}/keys',
      '/admin/partners/{partnerId}/keys/{keyId}',
      '/admin/referrals',
      '/admin/referrals/{id}/decision',
      '/admin/referrals/{id}/export',
      '/admin/referrals/{id}/reveal',
      '/health/live',
      '/health/ready',
      '/v1/acks',
      '/v1/feeds/{recipient}',
      '/v1/origin-disclosures',
      '/v1/origin-disclosures/{id}',
      '/v1/referrals',
      '/v1/referrals/{id}',
    ]);
    const submit = document.paths['/v1/referrals']!.post!;
    expect(Object.keys(submit.responses)).toEqual(
      expect.arrayContaining(['202', '401', '403', '413', '415', '422', '429', '503']),
    );
    expect(submit.responses['401']).toHaveProperty(['content', 'application/problem+json']);
    const hold = document.paths['/admin/holds']!.post!;
    expect(Object.keys(hold.responses)).toEqual(expect.arrayContaining(['201', '401', '422']));
  });

  it('documents the body of every success answer, not only its status', async () => {
    const document = await buildOpenApiDocument();
    const bare = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { responses?: Record<string, unknown> }>)
        .filter(([, op]) => op.responses !== undefined)
        .filter(([, op]) =>
          Object.entries(op.responses!).every(
            ([status, response]) =>
              !status.startsWith('2') ||
              !Object.values(
                (response as { content?: Record<string, { schema?: unknown }> }).content ?? {},
              ).some((media) => media.schema !== undefined),
          ),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(bare).toEqual([]);
  });
});
