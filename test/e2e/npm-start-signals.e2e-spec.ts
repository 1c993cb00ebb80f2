/**
 * `npm start` as a person runs it (npm → the script → the app → its embedded PostgreSQL),
 * stopped by a signal sent to the npm process alone, as a service manager or `kill <pid>`
 * does: every process of the tree ends within a bound, PostgreSQL included, and its port no
 * longer answers. The test runs on the built app (dist/, built by `npm test`); the script
 * builds only when a source is newer than that build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../support/embedded-app';
import { ROUTING_CONFIG } from '../support/stack';

jest.setTimeout(240_000);

const ROOT = join(__dirname, '../..');
/** How long the whole tree may take to drain and stop once npm is signalled. */
const STOP_BOUND_MS = 30_000;

/**
 * A live process's parent pid and start time (clock ticks since boot: with the pid, it
 * names one process, never a later one given the same pid), or undefined once it is gone
 * (or a zombie).
 */
function processInfo(pid: number): { ppid: number; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid … starttime (field 22) …": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : { ppid: Number(fields[1]), start: fields[19]! };
  } catch {
    return undefined;
  }
}

interface Seen {
  pid: number;
  start: string;
}
const alive = ({ pid, start }: Seen) => processInfo(pid)?.start === start;

/** `root` and every live process descending from it, whatever session it moved to. */
function processTree(root: number): Seen[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    const info = Number.isInteger(pid) ? processInfo(pid) : undefined;
    if (info) children.set(info.ppid, [...(children.get(info.ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree.map((pid) => ({ pid, start: processInfo(pid)?.start ?? '' }));
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('npm start stops its whole tree, PostgreSQL included, on a signal sent to npm', () => {
  let dataDir: string;
  let dbPort: number;
  let npm: ChildProcess | undefined;
  let seen: Seen[] = [];
  let output = '';

  const postmasterPid = (): number | undefined => {
    const file = join(dataDir, 'pg', 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
  };

  beforeEach(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/wissel/src/main.js'))) {
      throw new Error('dist is missing: run `npm run build` first');
    }
    // Under .cache, not a mode-700 mktemp -d folder: PostgreSQL runs as `postgres` under root.
    dataDir = join(ROOT, '.cache', `e2e-npm-start-${randomBytes(4).toString('hex')}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    dbPort = await freePort();
    output = '';
    seen = [];
  });

  afterEach(() => {
    // Whatever the assertions found still running is ended here, so a failure leaks nothing.
    const postmaster = seen.find((p) => p.pid === postmasterPid());
    if (postmaster && alive(postmaster)) process.kill(postmaster.pid, 'SIGQUIT');
    for (const p of seen) if (alive(p)) process.kill(p.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function startNpm(): Promise<ChildProcess> {
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        WISSEL_DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(dbPort),
        PORT: String(await freePort()),
        ROUTING_CONFIG,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    while (!output.includes('Wissel is running')) {
      if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      if (Date.now() - started > 180_000) throw new Error(`npm start did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return child;
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to npm: npm, the script, the app and PostgreSQL are all gone within the bound',
    async (signal) => {
      npm = await startNpm();
      seen = processTree(npm.pid!);
      const postmaster = postmasterPid();
      // The tree is what it should be: npm, its shell, the app and the postmaster at least.
      expect(postmaster).toBeDefined();
      expect(seen.map((p) => p.pid)).toContain(postmaster);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(await portAnswers(dbPort)).toBe(true);

      const exited = new Promise<number | null>((r) => npm!.once('exit', (code) => r(code)));
      npm.kill(signal);
      const deadline = Date.now() + STOP_BOUND_MS;
      while (seen.some(alive) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }

      const left = seen.filter(alive).map((p) => p.pid);
      expect({ left, output }).toEqual({ left: [], output });
      expect(await exited).toBe(0);
      expect(output).toContain('wissel: stopped');
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(await portAnswers(dbPort)).toBe(false);
    },
  );
});
