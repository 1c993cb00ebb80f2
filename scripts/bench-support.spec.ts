/**
 * The pure parts of the benchmark harness (bench/support): percentiles, /proc parsing, the
 * CPU-profile summariser, the report's "what bounds it", and the synthetic referral
 * generator's determinism, format mix, duplicate ratio and validity. Here rather than under
 * bench/ because the unit project's roots are libs/, apps/ and scripts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARSERS } from '@wissel/formats';
import { summariseProfile, shortFile, type CpuProfile } from '../bench/support/cpu-profile';
import { ReferralGenerator, type GeneratorOptions } from '../bench/support/generator';
import { DEFAULT_HOSTING, hostingZone, HOSTS_PER_ENTRY } from '../bench/support/hosting';
import { dispatchedSourceId } from '../bench/support/outbound-reader';
import { parseMachineStat, parseProcStat } from '../bench/support/proc-stat';
import { boundBy } from '../bench/support/report';
import { parseMix } from '../bench/support/settings';
import { percentile, ratePerSecond, summariseLatencies } from '../bench/support/stats';

const template = JSON.parse(
  readFileSync(join(__dirname, '../test/fixtures/canonical/iwf-nl-hosted.json'), 'utf8'),
) as Record<string, unknown>;
const options = (overrides: Partial<GeneratorOptions> = {}): GeneratorOptions => ({
  seed: 42,
  tag: 'T1',
  mix: { canonical: 0.6, cybertip: 0.2, xarf: 0.2 },
  duplicateRatio: 0.1,
  hosting: DEFAULT_HOSTING,
  canonicalTemplate: template,
  ...overrides,
});

describe('percentile (nearest rank)', () => {
  const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it('gives the smallest value with at least p% at or below it', () => {
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(Float64Array.from([7]), 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('summarises unsorted latencies', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1000 … 1
    expect(summariseLatencies(latencies)).toEqual({
      count: 1000,
      p50Ms: 500,
      p95Ms: 950,
      p99Ms: 990,
      maxMs: 1000,
    });
    expect(summariseLatencies([])).toMatchObject({ count: 0, p99Ms: undefined });
    expect(ratePerSecond(500, 250)).toBe(2000);
    expect(ratePerSecond(5, 0)).toBe(0);
  });
});

describe('/proc parsing', () => {
  it('reads user + system ticks after a command name with spaces and parentheses', () => {
    const line =
      '4242 (node (router) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 11 0 900 0 0';
    expect(parseProcStat(line)).toEqual({ comm: 'node (router) x', ticks: 175 });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('reads the machine total and idle (idle + iowait) ticks', () => {
    const stat = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n';
    expect(parseMachineStat(stat)).toEqual({ total: 980, idle: 820 });
  });
});

describe('CPU profile summary', () => {
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 10_000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
      {
        id: 2,
        callFrame: {
          functionName: 'parse',
          url: 'file:///work/main/.cache/bench-dist/libs/formats/src/decode-json.js',
          lineNumber: 9,
        },
      },
      {
        id: 3,
        callFrame: {
          functionName: 'encode',
          url: 'file:///work/main/node_modules/kafkajs/src/protocol/encoder.js',
          lineNumber: 99,
        },
      },
      { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    ],
    samples: [2, 2, 3, 5, 2, 4, 3],
    timeDeltas: [1000, 1000, 500, 7000, 1500, 2000, 4000],
  };

  it('adds each sample delta to its function and file, largest first, idle apart', () => {
    const summary = summariseProfile(profile);
    expect(summary.totalMs).toBe(10);
    expect(summary.idleMs).toBe(7);
    expect(summary.functions).toEqual([
      {
        name: 'encode node_modules/kafkajs:100',
        selfMs: 5,
        percent: 45,
      },
      { name: 'parse libs/formats/src/decode-json.ts:10', selfMs: 4, percent: 35 },
      { name: '(garbage collector)', selfMs: 2, percent: 20 },
    ]);
    expect(summary.files.map((f) => f.name)).toEqual([
      'node_modules/kafkajs',
      'libs/formats/src/decode-json.ts',
      '(native / V8)',
    ]);
    expect(summariseProfile(profile, 1).functions).toHaveLength(1);
  });

  it('falls back to hit counts when the profile has no samples', () => {
    const summary = summariseProfile({
      ...profile,
      samples: undefined,
      timeDeltas: undefined,
      nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 2 ? 3 : n.id === 3 ? 1 : 0 })),
    });
    expect(summary.functions.map((f) => [f.name.split(' ')[0], f.percent])).toEqual([
      ['parse', 75],
      ['encode', 25],
    ]);
  });

  it('names files by package or repository path', () => {
    expect(shortFile('file:///x/node_modules/@nestjs/core/router.js')).toBe(
      'node_modules/@nestjs/core',
    );
    expect(shortFile('node:internal/streams')).toBe('node:internal/streams');
    expect(shortFile('/repo/dist/apps/router/src/main.js')).toBe('apps/router/src/main.ts');
  });
});

describe('what bounds a phase', () => {
  it('names a single-threaded app at a full core, a saturated machine, or waiting', () => {
    expect(
      boundBy(
        { percentOfCore: { router: 97, dispatcher: 30 }, machineBusyPercent: 70, seconds: 10 },
        2,
      ),
    ).toMatch(/^router is CPU-bound/);
    expect(
      boundBy(
        {
          percentOfCore: { router: 80, 'kafka broker (JVM)': 60 },
          machineBusyPercent: 95,
          seconds: 10,
        },
        2,
      ),
    ).toMatch(/cores were saturated/);
    expect(
      boundBy({ percentOfCore: { router: 40 }, machineBusyPercent: 40, seconds: 10 }, 2),
    ).toMatch(/waiting dominates/);
    expect(
      boundBy(
        {
          percentOfCore: { router: 20, 'postgres (other processes)': 60 },
          machineBusyPercent: 100,
          seconds: 10,
        },
        2,
      ),
    ).toMatch(/outside this bench .*rerun on a quiet machine/);
  });
});

describe('synthetic referral generator', () => {
  const sample = new ReferralGenerator(options()).take(5000);

  it('is deterministic for a seed and differs for another', () => {
    const again = new ReferralGenerator(options()).take(50);
    expect(again).toEqual(sample.slice(0, 50));
    const other = new ReferralGenerator(options({ seed: 43 })).take(50);
    expect(other.map((r) => r.value)).not.toEqual(again.map((r) => r.value));
  });

  it('follows the format mix and the duplicate ratio', () => {
    const share = (f: string) => sample.filter((r) => r.format === f).length / sample.length;
    expect(share('canonical')).toBeCloseTo(0.6, 1);
    expect(share('cybertip')).toBeCloseTo(0.2, 1);
    expect(share('xarf')).toBeCloseTo(0.2, 1);
    const duplicates = sample.filter((r) => r.duplicateOf !== undefined).length;
    expect(duplicates / sample.length).toBeGreaterThan(0.085);
    expect(duplicates / sample.length).toBeLessThan(0.115);
    const none = new ReferralGenerator(options({ duplicateRatio: 0 })).take(500);
    expect(none.some((r) => r.duplicateOf !== undefined)).toBe(false);
  });

  it('gives every referral a unique source id, which its dispatch would carry', () => {
    expect(new Set(sample.map((r) => r.sourceId)).size).toBe(sample.length);
    const canonical = sample.find((r) => r.format === 'canonical')!;
    expect(canonical.sourceId).toBe(`T1-${canonical.seq}`);
    // X-ARF's report_id must be a UUID: derived from the same tag and sequence number.
    const xarf = sample.filter((r) => r.format === 'xarf');
    expect(xarf.every((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/.test(r.sourceId))).toBe(
      true,
    );
  });

  it('spreads over the hosting mix, with names the DNS zone answers (or NXDOMAIN)', () => {
    const ids = new Set(sample.map((r) => r.hosting));
    expect([...ids].sort()).toEqual(DEFAULT_HOSTING.map((h) => h.id).sort());
    const zone = hostingZone(DEFAULT_HOSTING);
    const resolvable = DEFAULT_HOSTING.filter((h) => h.address).length;
    expect(Object.keys(zone)).toHaveLength(resolvable * HOSTS_PER_ENTRY);
    expect(Object.keys(zone).some((name) => name.includes('.void.'))).toBe(false);
  });

  it('produces input every parser accepts, a duplicate with the same hashes from another source', () => {
    const parsed = sample.slice(0, 600).map((r) => {
      const result = PARSERS[r.format](Buffer.from(r.value), 5 * 1024 * 1024);
      if (!result.ok) throw new Error(`${r.format} ${r.sourceId}: ${JSON.stringify(result)}`);
      expect(result.value.sourceRef.id).toBe(r.sourceId);
      return result.value;
    });
    const duplicate = sample.slice(0, 600).findIndex((r) => r.duplicateOf !== undefined);
    expect(duplicate).toBeGreaterThan(0);
    const copy = parsed[duplicate]!;
    const original = parsed[sample[duplicate]!.duplicateOf!]!;
    expect(copy.sourceRef.system).not.toBe(original.sourceRef.system);
    expect(copy.media[0]!.hashes.sha256).toBe(original.media[0]!.hashes.sha256);
    expect(copy.media[0]!.hashes.md5).toBe(original.media[0]!.hashes.md5);
  });

  it('makes urgent referrals canonical with a threat to life', () => {
    const urgent = new ReferralGenerator(options({ urgent: true })).take(20);
    expect(urgent.every((r) => r.format === 'canonical' && r.duplicateOf === undefined)).toBe(true);
    expect(JSON.parse(urgent[0]!.value).incident.threatToLife).toBe(true);
  });
});

describe('bench helpers', () => {
  it('finds the referral source id in a canonical-JSON dispatch', () => {
    const dispatch =
      '{"caseId":"c","decision":{"rule":"x"},"referral":{"sourceRef":{"id":"E1-42","system":"IWF"},"via":[]},"schema":"wissel.dispatch/1"}';
    expect(dispatchedSourceId(dispatch)).toBe('E1-42');
    expect(dispatchedSourceId('{"schema":"wissel.dead-letter/1"}')).toBeUndefined();
  });

  it('parses a format mix', () => {
    expect(parseMix('canonical:6,xarf:4')).toEqual({ canonical: 6, cybertip: 0, xarf: 4 });
    expect(() => parseMix('json:1')).toThrow(/BENCH_MIX/);
  });
});
