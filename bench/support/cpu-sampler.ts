import { readdirSync, readFileSync } from 'node:fs';
import { parseMachineStat, parseProcStat } from './proc-stat';
import { common } from './settings';

const TICKS_PER_S = 100; // USER_HZ on Linux
const KAFKA_PORT = common.brokers.split(',')[0]!.split(':')[1] ?? '9092';

export interface CpuSnapshot {
  at: number;
  /** CPU seconds per process group so far. */
  groups: Record<string, number>;
  machine: { total: number; idle: number };
}

export interface CpuUse {
  /** group → share of one core over the window, in percent (200 = both cores of 2). */
  percentOfCore: Record<string, number>;
  /** The whole machine (all processes, also other users of the machine), percent of all cores. */
  machineBusyPercent: number;
  seconds: number;
}

/**
 * Samples per-process CPU time from /proc/<pid>/stat every second: the processes the bench
 * names (its apps, itself) plus the Kafka broker's JVM and the PostgreSQL processes, the
 * bench database's backends apart from the server's others. Linux only.
 */
export class CpuSampler {
  private readonly named = new Map<number, string>();
  private readonly last = new Map<number, number>();
  private readonly totals: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;
  private first = true;

  constructor(private readonly database?: string) {
    this.sample();
    this.first = false;
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  track(pid: number, group: string): void {
    this.named.set(pid, group);
    this.sample();
  }

  snapshot(): CpuSnapshot {
    this.sample();
    return {
      at: Date.now(),
      groups: { ...this.totals },
      machine: parseMachineStat(readFileSync('/proc/stat', 'utf8')) ?? { total: 0, idle: 0 },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    for (const [pid, group] of this.pids()) {
      let line: string;
      try {
        line = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        this.last.delete(pid);
        continue;
      }
      const times = parseProcStat(line);
      if (!times) continue;
      // A process first seen after the start began within the run: all of its time counts.
      const before = this.last.get(pid) ?? (this.first ? times.ticks : 0);
      this.last.set(pid, times.ticks);
      this.totals[group] = (this.totals[group] ?? 0) + (times.ticks - before) / TICKS_PER_S;
    }
  }

  /** What each pid seen so far is (undefined: not of interest); a pid keeps its command line. */
  private readonly kinds = new Map<number, string | undefined>();

  private pids(): Array<[number, string]> {
    const found: Array<[number, string]> = [...this.named];
    for (const entry of readdirSync('/proc')) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || this.named.has(pid)) continue;
      if (!this.kinds.has(pid)) this.kinds.set(pid, this.classify(pid));
      const kind = this.kinds.get(pid);
      if (kind) found.push([pid, kind]);
    }
    return found;
  }

  private classify(pid: number): string | undefined {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return undefined;
    }
    if (cmdline.includes('kafka.Kafka')) {
      // deploy/local/kafka.sh runs each broker from run-<port>/: only the bench's broker.
      const ours = !cmdline.includes('/run-') || cmdline.includes(`/run-${KAFKA_PORT}/`);
      return ours ? 'kafka broker (JVM)' : undefined;
    }
    if (cmdline.startsWith('postgres') || /\/postgres\s/.test(cmdline)) {
      const ours = this.database !== undefined && cmdline.includes(` ${this.database} `);
      return ours ? 'postgres (bench db backends)' : 'postgres (other processes)';
    }
    return undefined;
  }
}

/** CPU use between two snapshots. */
export function cpuBetween(from: CpuSnapshot, to: CpuSnapshot): CpuUse {
  const seconds = (to.at - from.at) / 1000;
  const percentOfCore: Record<string, number> = {};
  for (const [group, total] of Object.entries(to.groups)) {
    const used = total - (from.groups[group] ?? 0);
    percentOfCore[group] = seconds > 0 ? Math.round((used / seconds) * 1000) / 10 : 0;
  }
  const total = to.machine.total - from.machine.total;
  const idle = to.machine.idle - from.machine.idle;
  return {
    percentOfCore,
    machineBusyPercent: total > 0 ? Math.round(((total - idle) / total) * 1000) / 10 : 0,
    seconds,
  };
}
