/**
 * Summarises a V8 .cpuprofile (what `node --cpu-prof` and the inspector's Profiler write):
 * self time per function and per file. Pure: the parsed profile in, rows out.
 */

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of all sampled time, 0..100. */
  percent: number;
}

export interface ProfileSummary {
  /** Time on the CPU (every sample but V8's "(idle)"): the base of the percentages. */
  totalMs: number;
  /** Time the thread waited (the event loop had nothing to run). */
  idleMs: number;
  functions: SelfTime[];
  files: SelfTime[];
}

/**
 * A script URL as a short place: `node_modules/<package>`, a path inside the repository
 * (compiled output folders stripped), `node:<module>`, or V8's own pseudo nodes.
 */
export function shortFile(url: string): string {
  if (url === '') return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const compiled = path.match(/\/(?:\.cache\/[^/]+|dist)\/((?:apps|libs|bench|test|scripts)\/.*)$/);
  if (compiled) return compiled[1]!.replace(/\.js$/, '.ts');
  return path;
}

export function summariseProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length > 0) {
    // Each delta is the time up to its sample: the sampled node was on the CPU meanwhile.
    profile.samples.forEach((id, i) => {
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, profile.timeDeltas![i] ?? 0));
    });
  } else {
    const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const usPerHit = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * usPerHit);
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (url === '' && functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    totalUs += us;
    const file = shortFile(url);
    const fn =
      url === ''
        ? functionName || '(anonymous)'
        : `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const rows = (m: Map<string, number>): SelfTime[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 1000),
        percent: totalUs > 0 ? Math.round((us / totalUs) * 1000) / 10 : 0,
      }));
  return {
    totalMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: rows(byFunction),
    files: rows(byFile),
  };
}
