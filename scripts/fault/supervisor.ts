/**
 * Runs one app (router or dispatcher) as a child process and restarts it whenever it
 * exits, as a process supervisor (systemd, Kubernetes) would: after a kill -9 by the
 * fault run, or if the app gives up by itself during an outage (counted apart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const RESTART_DELAY_MS = 250;

export interface AppExit {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed by the fault run (kill -9), stopped at the end of the run, or an exit of its own. */
  cause: 'injected' | 'stopped' | 'own';
}

export class SupervisedApp {
  readonly exits: AppExit[] = [];
  private child?: ChildProcess;
  private stopping = false;
  private injecting = false;
  private readonly log: WriteStream;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    // Output racing the end of the run must not crash the runner.
    this.log.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Exits the run did not cause: the app gave up by itself. */
  get ownExits(): AppExit[] {
    return this.exits.filter((e) => e.cause === 'own');
  }

  start(): void {
    const child = spawn(process.execPath, [this.script], {
      env: { ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.log.write(`--- fault run: ${this.name} started, pid ${child.pid} ---\n`);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const cause = this.injecting ? 'injected' : this.stopping ? 'stopped' : 'own';
      this.exits.push({ at: Date.now(), code, signal, cause });
      this.injecting = false;
      this.log.write(`--- fault run: ${this.name} exited (code ${code}, signal ${signal}) ---\n`);
      if (!this.stopping) {
        this.restartTimer = setTimeout(() => this.start(), RESTART_DELAY_MS);
      }
    });
  }

  /**
   * kill -9: no shutdown hook runs, whatever was in hand is cut off. If the app is down (a
   * kill just before this one), waits for the supervisor's next process and kills that
   * one, so every kill asked for hits a live process. Resolves with the kill's time.
   */
  async kill9(): Promise<number> {
    while (!this.child?.pid || this.injecting) {
      if (this.stopping) return Date.now();
      await new Promise((r) => setTimeout(r, 50));
    }
    this.injecting = true;
    this.child.kill('SIGKILL');
    return Date.now();
  }

  /** Resolves once /health/ready answers 200, with the time it took; rejects after timeoutMs. */
  async waitReady(timeoutMs: number, from = Date.now()): Promise<number> {
    const deadline = from + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child && (await this.ready())) return Date.now() - from;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms`);
  }

  private async ready(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/health/ready`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** SIGTERM (the app drains), SIGKILL if it has not exited within graceMs. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child?.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    await new Promise((r) => this.log.end(r));
  }
}
