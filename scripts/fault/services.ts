/**
 * The fault run's own Kafka broker and PostgreSQL server, on ports of their own, so
 * restarting them never touches the shared services on 9092 and 5432.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function exec(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 300_000,
): Promise<void> {
  try {
    await run(file, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`);
  }
}

/** A single-node KRaft broker through deploy/local/kafka.sh (its run folder is per port). */
export class FaultKafka {
  constructor(
    private readonly repo: string,
    readonly port: number,
    private readonly controllerPort: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private sh(command: 'start' | 'stop' | 'reset'): Promise<void> {
    return exec(join(this.repo, 'deploy/local/kafka.sh'), [command], {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      // A loaded 2-core machine can take well over the default 90 s to start a broker.
      KAFKA_READY_TIMEOUT: process.env.KAFKA_READY_TIMEOUT ?? '240',
    });
  }

  /** A fresh broker: any data left by an earlier run on this port is deleted first. */
  async startFresh(): Promise<void> {
    await this.sh('reset');
    await this.sh('start');
  }

  /**
   * Clean stop (SIGTERM, as an orchestrator's rolling restart), down for `downMs`, start on
   * the same data.
   */
  async restart(downMs = 0): Promise<{ stopMs: number; startMs: number }> {
    const t0 = Date.now();
    await this.sh('stop');
    const t1 = Date.now();
    await sleep(downMs);
    const t2 = Date.now();
    await this.sh('start');
    return { stopMs: t1 - t0, startMs: Date.now() - t2 };
  }

  /** Stops the broker and deletes its data. */
  async remove(): Promise<void> {
    await this.sh('reset');
  }
}

/**
 * A throwaway PostgreSQL cluster (initdb into a temporary folder, trust auth on 127.0.0.1).
 * PostgreSQL refuses to run as root, so as root its commands run as the `postgres` user.
 */
export class FaultPostgres {
  private readonly dataDir: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor(
    private readonly folder: string,
    readonly port: number,
    private readonly binDir = defaultBinDir(),
  ) {
    this.dataDir = join(folder, 'data');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private pg(tool: string, args: string[], timeoutMs?: number): Promise<void> {
    const bin = join(this.binDir, tool);
    return this.asRoot
      ? exec('runuser', ['-u', 'postgres', '--', bin, ...args], process.env, timeoutMs)
      : exec(bin, args, process.env, timeoutMs);
  }

  async init(): Promise<void> {
    await this.remove();
    mkdirSync(this.folder, { recursive: true });
    if (this.asRoot) await exec('chown', ['postgres', this.folder]);
    await this.pg('initdb', [
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await this.start();
  }

  async start(): Promise<void> {
    // fsync off: the run crashes processes, never the machine, so what a commit wrote to
    // the kernel survives an immediate stop; it spares the shared disk. Commits stay
    // synchronous (an acknowledged commit is in the WAL before the client hears of it).
    const options = [
      `-p ${this.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${this.folder}`,
      `-c fsync=off`,
      `-c max_connections=100`,
    ].join(' ');
    await this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.folder, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /**
   * `pg_ctl stop -m immediate` (a crash: no checkpoint, clients cut off), down for `downMs`,
   * then start (recovery).
   */
  async restart(downMs = 0): Promise<{ stopMs: number; startMs: number }> {
    const t0 = Date.now();
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    const t1 = Date.now();
    await sleep(downMs);
    const t2 = Date.now();
    await this.start();
    return { stopMs: t1 - t0, startMs: Date.now() - t2 };
  }

  async remove(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop'], 30_000).catch(
        () => undefined,
      );
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** The newest server under /usr/lib/postgresql (Debian's layout); FAULT_PG_BIN overrides. */
function defaultBinDir(): string {
  if (process.env.FAULT_PG_BIN) return process.env.FAULT_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${root}; set FAULT_PG_BIN`);
  return join(root, versions[versions.length - 1]!, 'bin');
}
