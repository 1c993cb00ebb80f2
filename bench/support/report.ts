/**
 * BENCHMARKS.md from the benches' result files. Pure: results and machine facts in, Markdown
 * out. For every target not met it adds what bounds it: the CPU use per process in the
 * measured phase and the top self-time functions and files of the CPU profiles.
 */
import type { CpuUse } from './cpu-sampler';
import type { MachineInfo } from './machine';
import type { BenchResult } from './results';

export interface ReportInput {
  machine: MachineInfo;
  startedAt: string;
  commands: string[];
  results: BenchResult[];
  missing: Array<{ bench: string; reason: string }>;
  quick: boolean;
}

const table = (head: string[], rows: Array<Array<string | number>>): string =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');

/** Reads which process bounds a phase from its CPU figures. */
export function boundBy(cpu: CpuUse, cores: number): string {
  const groups = Object.entries(cpu.percentOfCore).sort((a, b) => b[1] - a[1]);
  const [topName, topPercent] = groups[0] ?? ['?', 0];
  const top3 = groups
    .slice(0, 3)
    .map(([g, p]) => `${g} ${p} %`)
    .join(', ');
  // The bench's own processes (apps, broker, its database backends, the bench) against all
  // busy time: on a machine shared with other work the figures say little.
  const ours = groups
    .filter(([g]) => g !== 'postgres (other processes)')
    .reduce((sum, [, p]) => sum + p, 0);
  const busy = cpu.machineBusyPercent * cores;
  if (cpu.machineBusyPercent >= 90 && ours < 0.6 * busy) {
    return `the machine was saturated (${cpu.machineBusyPercent} % busy) mostly by processes outside this bench (its own used ${Math.round(ours)} % of a core out of ${Math.round(busy)} %; top: ${top3}): rerun on a quiet machine`;
  }
  if (cpu.machineBusyPercent >= 90) {
    return `the machine's ${cores} cores were saturated (${cpu.machineBusyPercent} % busy; top: ${top3}); ${topName} used most`;
  }
  // Node runs JavaScript on one thread: a process near one full core is bound by it.
  if (topPercent >= 85 && /router|dispatcher|gateway|wissel|pass-through/.test(topName)) {
    return `${topName} is CPU-bound on its JavaScript thread (${topPercent} % of one core; machine ${cpu.machineBusyPercent} % busy; top: ${top3})`;
  }
  return `no process saturated a core (machine ${cpu.machineBusyPercent} % busy; top: ${top3}): waiting dominates (round trips to PostgreSQL/Kafka, batch sizes, polling)`;
}

export function renderReport(input: ReportInput): string {
  const { machine } = input;
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Written by \`npm run bench\` (bench/run.ts) on ${input.startedAt}${input.quick ? ' with **BENCH_QUICK=1** (small sizes: a smoke test, not figures)' : ''}. How to run and read them: [bench/README.md](bench/README.md); how the path was profiled and optimised: [docs/performance.md](docs/performance.md).`,
    '',
  );
  out.push('## Machine', '');
  out.push(
    table(
      ['', ''],
      [
        ['CPUs (nproc)', machine.cpus],
        ['CPU model', machine.cpuModel],
        ['memory', `${machine.memoryGiB} GiB`],
        ['kernel', machine.kernel],
        ['load average at start', machine.loadAverage],
        ...Object.entries(machine.versions),
      ],
    ),
    '',
  );
  out.push('## Commands', '', '```sh', ...input.commands, '```', '');

  out.push('## Targets', '');
  const rows = input.results.flatMap((r) =>
    r.targets.map((t) => [t.name, t.target, `${t.value} ${t.unit}`, t.met ? 'met' : '**not met**']),
  );
  for (const m of input.missing) rows.push([m.bench, '', m.reason, '**no figure**']);
  out.push(table(['target', 'goal', 'measured', ''], rows), '');

  for (const r of input.results) {
    out.push(`## ${r.title}`, '');
    if (r.failed) out.push(`**The bench failed:** ${r.failed}`, '');
    const settings = Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    if (settings) out.push(`Settings: ${settings}.`, '');
    out.push(
      table(
        ['figure', 'value'],
        r.figures.map((f) => [f.name, `${f.value}${f.unit ? ` ${f.unit}` : ''}`]),
      ),
      '',
    );
    for (const note of r.notes) out.push(`- ${note}`);
    if (r.notes.length) out.push('');
    const phases = Object.entries(r.cpu);
    if (phases.length) {
      const groups = [...new Set(phases.flatMap(([, c]) => Object.keys(c.percentOfCore)))].sort();
      out.push(
        'CPU per process (percent of one core, sampled from /proc; the machine column counts every process on the machine):',
        '',
        table(
          ['phase', 'seconds', 'machine busy', ...groups],
          phases.map(([phase, c]) => [
            phase,
            Math.round(c.seconds),
            `${c.machineBusyPercent} %`,
            ...groups.map((g) =>
              c.percentOfCore[g] === undefined ? '' : `${c.percentOfCore[g]} %`,
            ),
          ]),
        ),
        '',
      );
    }
    const unmet = r.targets.filter((t) => !t.met);
    if (unmet.length) {
      out.push(`### What bounds it (${unmet.map((t) => t.name).join('; ')})`, '');
      for (const [phase, c] of phases) out.push(`- ${phase}: ${boundBy(c, machine.cpus)}.`);
      out.push('');
      if (r.profiles.length === 0) {
        out.push('No CPU profile in this run (BENCH_PROFILE=0).', '');
      }
      for (const p of r.profiles) {
        out.push(
          `Profile of **${p.process}**: ${Math.round(p.summary.totalMs / 1000)} s on the CPU, ${Math.round(p.summary.idleMs / 1000)} s idle (waiting for I/O) in the measured phases; percentages of the CPU time (\`${p.file}\`; open it in Chrome DevTools; lines are of the compiled JS):`,
          '',
          table(
            ['top self time: function (compiled line)', 'ms', '%'],
            p.summary.functions.map((f) => [f.name, f.selfMs, f.percent]),
          ),
          '',
          table(
            ['by file / package', 'ms', '%'],
            p.summary.files.map((f) => [f.name, f.selfMs, f.percent]),
          ),
          '',
        );
      }
    } else if (r.profiles.length) {
      out.push(
        `CPU profiles: ${r.profiles.map((p) => `\`${p.file}\``).join(', ')} (every target met; not summarised).`,
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
