import { spawnSync } from 'node:child_process';

/**
 * The Kafka broker and PostgreSQL the benches need, started the way scripts/test.sh does
 * when they are not running; `stop()` stops only what this call started.
 */
export function ensureServices(log: (line: string) => void): { stop(): void } {
  const run = (script: string, arg: string, quiet = false) =>
    spawnSync('bash', [script, arg], { stdio: quiet ? 'ignore' : 'inherit' }).status === 0;
  const started: string[] = [];
  if (!run('deploy/local/kafka.sh', 'status', true)) {
    log('starting the local Kafka broker (deploy/local/kafka.sh start)');
    started.push('deploy/local/kafka.sh');
    if (!run('deploy/local/kafka.sh', 'start')) throw new Error('the Kafka broker did not start');
  }
  if (!run('scripts/postgres.sh', 'status', true)) {
    log('starting PostgreSQL (scripts/postgres.sh start)');
    started.push('scripts/postgres.sh');
    if (!run('scripts/postgres.sh', 'start')) throw new Error('PostgreSQL did not start');
  }
  return {
    stop() {
      for (const script of started.reverse()) {
        log(`stopping what the bench started: ${script} stop`);
        run(script, 'stop');
      }
    },
  };
}
