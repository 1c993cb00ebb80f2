import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { PartnerRepository } from '@wissel/persistence';
import { AddPartnerKeyUseCase, RegisterPartnerUseCase } from '@wissel/pipeline';

export const DEMO_PARTNER = { id: 'demo', name: 'Demo hotline', sourceSystem: 'DEMO' };

export interface DemoPartner {
  keyId: string;
  keyFile: string;
}

/**
 * A partner to try the signed API with: registered on first start through the same use
 * cases as `npm run partners`, with a generated Ed25519 key whose private JWK is kept in the
 * data folder (mode 0600) for `npm run partner` and the demo feed.
 */
export async function ensureDemoPartner(
  app: INestApplicationContext,
  dataDir: string,
): Promise<DemoPartner> {
  const keyFile = join(dataDir, 'demo-partner.private.jwk.json');
  const keyIdFile = join(dataDir, 'demo-partner.key-id');
  if (existsSync(keyFile) && existsSync(keyIdFile)) {
    return { keyId: readFileSync(keyIdFile, 'utf8').trim(), keyFile };
  }
  if (!(await app.get(PartnerRepository).find(DEMO_PARTNER.id))) {
    await app.get(RegisterPartnerUseCase).execute({
      id: DEMO_PARTNER.id,
      name: DEMO_PARTNER.name,
      sourceSystems: [DEMO_PARTNER.sourceSystem],
    });
  }
  const added = await app
    .get(AddPartnerKeyUseCase)
    .execute({ partnerId: DEMO_PARTNER.id, alg: 'ed25519', generate: true });
  writeFileSync(keyFile, `${JSON.stringify(added.privateJwk)}\n`, { mode: 0o600 });
  writeFileSync(keyIdFile, added.keyId);
  return { keyId: added.keyId, keyFile };
}
