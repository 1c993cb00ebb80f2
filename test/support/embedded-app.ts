/**
 * The built all-in-one app (dist/apps/wissel, built by `npm test` before the e2e run) as a
 * child process on its own embedded PostgreSQL: start it, signal or kill it, restart it
 * on the same data folder, and query its database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { ROUTING_CONFIG } from './stack';

const ROOT = join(__dirname, '../..');
const MAIN = join(ROOT, 'dist/apps/wissel/src/main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The partner the tests submit as: the app has none of its own without --demo. */
const TEST_PARTNER = { id: 'e2e', keyId: 'e2e-1', sourceSystems: ['E2E'] };

export class EmbeddedApp {
  private child?: ChildProcess;
  private readonly key = generateKeyPairSync('ed25519');
  output = '';

  private constructor(
    readonly dataDir: string,
    readonly env: Record<string, string>,
    readonly baseUrl: string,
  ) {}

  /**
   * A fresh data folder under .cache (not a mktemp -d folder: mode 700 would keep the
   * `postgres` user out when tests run as root) and free ports.
   */
  static async create(extraEnv: Record<string, string> = {}): Promise<EmbeddedApp> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    const dataDir = join(ROOT, '.cache', `e2e-embedded-${randomBytes(4).toString('hex')}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const port = await freePort();
    const env = {
      WISSEL_DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      PORT: String(port),
      ROUTING_CONFIG,
      OUTBOX_POLL_MS: '200',
      MESSAGE_POLL_MS: '200',
      PARTNER_RATE_PER_S: '10000',
      PARTNER_RATE_BURST: '10000',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    return new EmbeddedApp(dataDir, env, `http://127.0.0.1:${port}`);
  }

  /**
   * Starts the app and resolves once it printed its banner (it is serving then) and the
   * test partner is registered.
   */
  async start(args: string[] = []): Promise<void> {
    this.output = ''; // this run's lines only: an earlier run's banner must not count
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const started = Date.now();
    while (!this.output.includes('Wissel is running')) {
      if (child.exitCode !== null) throw new Error(`the app exited:\n${this.output}`);
      if (Date.now() - started > 60_000) throw new Error(`the app did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.registerTestPartner();
  }

  private async registerTestPartner(): Promise<void> {
    const db = await this.db();
    try {
      await db.query(
        `INSERT INTO partner (id, name, source_systems) VALUES ($1, $1, $2) ON CONFLICT DO NOTHING`,
        [TEST_PARTNER.id, TEST_PARTNER.sourceSystems],
      );
      await db.query(
        `INSERT INTO partner_key (key_id, partner_id, alg, public_jwk)
         VALUES ($1, $2, 'ed25519', $3) ON CONFLICT DO NOTHING`,
        [TEST_PARTNER.keyId, TEST_PARTNER.id, JSON.stringify(publicJwk(this.key.publicKey))],
      );
    } finally {
      await db.end();
    }
  }

  /** Sends a signal; with SIGKILL nothing runs in the app (its PostgreSQL lives on). */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child!;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }

  partner(): PartnerClient {
    return new PartnerClient({
      baseUrl: this.baseUrl,
      keyId: TEST_PARTNER.keyId,
      key: { alg: 'ed25519', privateKey: this.key.privateKey },
    });
  }

  operatorToken(): string {
    return readFileSync(join(this.dataDir, 'operator-token'), 'utf8').trim();
  }

  /** A connection to the app's database (only while the app runs). */
  async db(): Promise<Client> {
    const password = readFileSync(join(this.dataDir, 'db-password'), 'utf8').trim();
    const client = new Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.env.EMBEDDED_DB_PORT}/wissel`,
    });
    await client.connect();
    return client;
  }

  /** The postmaster's pid while postmaster.pid names a live process, else undefined. */
  postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'pg', 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return existsSync(`/proc/${pid}`) ? pid : undefined;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGTERM').catch(() => undefined);
    const leftover = this.postmasterPid();
    if (leftover) process.kill(leftover, 'SIGINT');
    for (let i = 0; i < 50 && this.postmasterPid(); i++)
      await new Promise((r) => setTimeout(r, 100));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
