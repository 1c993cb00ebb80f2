/** Pure parsing of Linux /proc files for the CPU sampler (./cpu-sampler.ts). */

export interface ProcessTimes {
  comm: string;
  /** user + system time in clock ticks (USER_HZ, 100 on Linux). */
  ticks: number;
}

/**
 * One /proc/<pid>/stat line. The command name is in parentheses and may itself hold spaces
 * and parentheses, so the fields are counted after the last ')'.
 */
export function parseProcStat(line: string): ProcessTimes | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // After ')': state(3) ppid(4) … utime(14) stime(15), i.e. indices 11 and 12 here.
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return { comm: line.slice(open + 1, close), ticks: utime + stime };
}

/** The first line of /proc/stat: total and idle ticks of the whole machine. */
export function parseMachineStat(text: string): { total: number; idle: number } | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // idle + iowait are the machine's unused time.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  // guest time is already inside user time.
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle };
}
