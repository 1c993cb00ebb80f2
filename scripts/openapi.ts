/**
 * Writes the gateway's OpenAPI document to docs/openapi.json: `npm run openapi` (after
 * `npm run build`). A unit test fails while the committed file differs from what the code
 * generates, and the gateway serves the committed file at /openapi.json.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from '../apps/gateway/src/openapi/openapi-document';

async function main(): Promise<void> {
  // npm runs scripts from the repository root.
  const file = join(process.cwd(), 'docs', 'openapi.json');
  const document = await buildOpenApiDocument();
  // Formatted as the repository's prettier would, so `npm run lint` passes on it.
  const options = (await resolveConfig(file)) ?? {};
  writeFileSync(file, await format(JSON.stringify(document), { ...options, parser: 'json' }));
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(`openapi failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
