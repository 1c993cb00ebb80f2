import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuUse } from './cpu-sampler';
import type { ProfileSummary } from './cpu-profile';
import { common } from './settings';

export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
}

export interface TargetCheck {
  name: string;
  /** e.g. "≥ 5000 referrals/s" */
  target: string;
  value: number;
  unit: string;
  met: boolean;
}

export interface BenchResult {
  bench: string;
  title: string;
  settings: Record<string, string | number>;
  figures: Figure[];
  targets: TargetCheck[];
  /** phase → CPU use per process group. */
  cpu: Record<string, CpuUse>;
  profiles: Array<{ process: string; file: string; summary: ProfileSummary }>;
  notes: string[];
  failed?: string;
}

export function newResult(bench: string, title: string): BenchResult {
  return { bench, title, settings: {}, figures: [], targets: [], cpu: {}, profiles: [], notes: [] };
}

export function target(
  name: string,
  value: number,
  unit: string,
  goal: { atLeast?: number; below?: number },
): TargetCheck {
  if (goal.atLeast !== undefined) {
    return { name, target: `≥ ${goal.atLeast} ${unit}`, value, unit, met: value >= goal.atLeast };
  }
  return { name, target: `< ${goal.below} ${unit}`, value, unit, met: value < goal.below! };
}

/** Writes the result where `npm run bench` collects it, and prints it for a standalone run. */
export function writeResult(result: BenchResult): string {
  mkdirSync(common.resultsDir, { recursive: true });
  const file = join(common.resultsDir, `${result.bench}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

export const round = (n: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
