/**
 * Starts one built app (the path in argv[2]) inside a bench child process. With
 * BENCH_CPU_PROFILE=<file> it records a V8 CPU profile through the inspector from the IPC
 * message "profile-start" and writes it on "profile". Not `node --cpu-prof`: that writes only on a
 * normal exit, and Nest's shutdown hooks end the process by re-raising SIGTERM.
 * It also exits when the bench process is gone, so a killed bench leaves no app running.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const main = process.argv[2];
if (!main) throw new Error('usage: app-child <built main.js>');
const profileFile = process.env.BENCH_CPU_PROFILE;
const parent = process.ppid;

let session: Session | undefined;

process.on('message', (message) => {
  // Started by the bench when its measured phase begins: start-up is not what is measured.
  if (message === 'profile-start' && profileFile && !session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
    session.post('Profiler.start');
    return;
  }
  if (message !== 'profile') return;
  if (!session) {
    process.send?.('profiled');
    return;
  }
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(profileFile!, JSON.stringify(result.profile));
    session?.disconnect();
    session = undefined;
    process.send?.('profiled');
  });
});
// The IPC channel keeps no app alive on its own.
process.channel?.unref();

// Orphaned: shut down as on a SIGTERM (the embedded app then stops its PostgreSQL too).
const orphanCheck = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanCheck);
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 30_000).unref();
}, 1000);
orphanCheck.unref();

// eslint-disable-next-line @typescript-eslint/no-require-imports
require(require('node:path').resolve(main));
