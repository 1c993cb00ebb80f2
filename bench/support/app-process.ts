import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { common } from './settings';

export const DIST = resolve('.cache/bench-dist');
const CHILD = join(DIST, 'bench/support/app-child.js');

export type AppName = 'router' | 'dispatcher' | 'gateway' | 'wissel';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * A built app (.cache/bench-dist/apps/<name>/src/main.js) in a child process of its own,
 * as deployed. Output is kept (last 64 KB) for the report when something fails.
 */
export class AppProcess {
  output = '';
  profileFile?: string;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-65_536);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(
    app: AppName,
    env: Record<string, string>,
    options: { label?: string; profileAs?: string; readyPath?: string; readyText?: string } = {},
  ): Promise<AppProcess> {
    const port = env.PORT ? Number(env.PORT) : await freePort();
    const label = options.label ?? app;
    let profileFile: string | undefined;
    if (common.profile) {
      mkdirSync(common.profileDir, { recursive: true });
      profileFile = resolve(common.profileDir, `${options.profileAs ?? label}.cpuprofile`);
    }
    const child = spawn(process.execPath, [CHILD, join(DIST, `apps/${app}/src/main.js`)], {
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        ...(profileFile ? { BENCH_CPU_PROFILE: profileFile } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const proc = new AppProcess(label, child, `http://127.0.0.1:${port}`);
    proc.profileFile = profileFile;
    await proc.waitReady(options.readyPath ?? '/health/live', options.readyText);
    return proc;
  }

  private async waitReady(path: string, text?: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited (${this.child.exitCode}):\n${this.output}`);
      }
      if (text ? this.output.includes(text) : await ok(this.baseUrl + path)) return;
      await sleep(200);
    }
    throw new Error(`${this.name} did not become ready:\n${this.output}`);
  }

  /** Starts the CPU profile (BENCH_PROFILE=1) at the start of the measured phase. */
  startProfile(): void {
    if (this.profileFile && this.child.connected) this.child.send('profile-start');
  }

  /** Writes the CPU profile (if recording), then SIGTERM and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (this.profileFile && child.connected) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, 30_000);
        child.once('message', () => {
          clearTimeout(timer);
          done();
        });
        child.send('profile');
      });
    }
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
  }
}

async function ok(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
