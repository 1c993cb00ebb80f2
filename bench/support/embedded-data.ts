import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Removes a data folder once its PostgreSQL is gone (stopping a leftover postmaster first). */
export function removeDataDir(dataDir: string): void {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0 && existsSync(`/proc/${pid}`)) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
      return; // removed by the next run's clean-up, once it has stopped
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** Removes every embedded data folder a bench run left (npm run bench calls it). */
export function cleanUpEmbedded(runId: string): void {
  for (const entry of readdirSync('.cache')) {
    if (entry.startsWith(`bench-embedded-${runId}-`)) removeDataDir(join('.cache', entry));
  }
}
