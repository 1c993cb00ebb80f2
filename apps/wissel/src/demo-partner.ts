import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { PartnerRepository } from '@wissel/persistence';
import {
  AddPartnerKeyUseCase,
  RegisterPartnerUseCase,
  RevokePartnerKeyUseCase,
} from '@wissel/pipeline';

export const DEMO_PARTNER = { id: 'demo', name: 'Demo hotline', sourceSystem: 'DEMO' };

export interface DemoPartner {
  keyId: string;
  keyFile: string;
}

const files = (dataDir: string) => ({
  keyFile: join(dataDir, 'demo-partner.private.jwk.json'),
  keyIdFile: join(dataDir, 'demo-partner.key-id'),
});

/**
 * `--demo` only: a partner to try the signed API with, registered through the same use
 * cases as `npm run partners`, with a generated Ed25519 key whose private JWK is kept in
 * the data folder (mode 0600) for `npm run partner` and the demo feed. Exactly one demo key
 * is active: one whose file is gone is revoked before a new one is made, so no active key
 * is left that nobody holds.
 */
export async function ensureDemoPartner(
  app: INestApplicationContext,
  dataDir: string,
): Promise<DemoPartner> {
  const { keyFile, keyIdFile } = files(dataDir);
  const held =
    existsSync(keyFile) && existsSync(keyIdFile) ? readFileSync(keyIdFile, 'utf8').trim() : '';
  const active = await activeDemoKeys(app);
  if (held !== '' && active.includes(held)) {
    await revoke(app, active, held);
    return { keyId: held, keyFile };
  }
  if (!(await app.get(PartnerRepository).find(DEMO_PARTNER.id))) {
    await app.get(RegisterPartnerUseCase).execute({
      id: DEMO_PARTNER.id,
      name: DEMO_PARTNER.name,
      sourceSystems: [DEMO_PARTNER.sourceSystem],
    });
  }
  await revoke(app, active);
  const added = await app
    .get(AddPartnerKeyUseCase)
    .execute({ partnerId: DEMO_PARTNER.id, alg: 'ed25519', generate: true });
  try {
    writeFileSync(keyFile, `${JSON.stringify(added.privateJwk)}\n`, { mode: 0o600 });
    writeFileSync(keyIdFile, added.keyId);
  } catch (error) {
    await revoke(app, [added.keyId]);
    throw error;
  }
  return { keyId: added.keyId, keyFile };
}

/**
 * Without `--demo`: the demo partner (if an earlier `--demo` run made it) keeps its history
 * but can no longer sign anything. Its keys are revoked and its key files deleted. Says
 * whether anything was retired.
 */
export async function retireDemoPartner(
  app: INestApplicationContext,
  dataDir: string,
): Promise<boolean> {
  const active = await activeDemoKeys(app);
  await revoke(app, active);
  const { keyFile, keyIdFile } = files(dataDir);
  const hadFiles = existsSync(keyFile) || existsSync(keyIdFile);
  rmSync(keyFile, { force: true });
  rmSync(keyIdFile, { force: true });
  return active.length > 0 || hadFiles;
}

async function activeDemoKeys(app: INestApplicationContext): Promise<string[]> {
  const partners = await app.get(PartnerRepository).list();
  const demo = partners.find((p) => p.id === DEMO_PARTNER.id);
  return (demo?.keys ?? []).filter((k) => k.revokedAt === null).map((k) => k.keyId);
}

async function revoke(app: INestApplicationContext, keyIds: string[], keep?: string) {
  for (const keyId of keyIds) {
    if (keyId !== keep) await app.get(RevokePartnerKeyUseCase).execute(DEMO_PARTNER.id, keyId);
  }
}
