/**
 * The signed partner API's intake rate: the gateway as a child process (built JS) on the
 * real broker and PostgreSQL, one registered partner with an Ed25519 key, and
 * BENCH_API_CLIENTS concurrent clients sending signed `POST /v1/referrals` (RFC 9421, with the
 * partner client library) for BENCH_API_SECONDS per batch size in BENCH_API_BATCHES. The
 * partner rate limit is raised to its maximum. Rate = referrals answered 202 per second
 * (a 202 means the referral is on its inbound topic with acks=all).
 * Run: `npm run bench -- api` (bench/README.md).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { PartnerClient } from '@wissel/partner-client';
import { publicJwk } from '@wissel/signing';
import { AppProcess } from './support/app-process';
import { ClusterEnv } from './support/cluster-env';
import { CpuSampler, cpuBetween } from './support/cpu-sampler';
import { DEFAULT_HOSTING, hostingZone } from './support/hosting';
import { addProfiles } from './support/pipeline';
import { benchGenerator } from './support/referral-source';
import { newResult, round, target, writeResult } from './support/results';
import { common, listSetting, numberSetting } from './support/settings';
import { ratePerSecond, summariseLatencies } from './support/stats';

const CLIENTS = numberSetting('BENCH_API_CLIENTS', 16, 4);
const SECONDS = numberSetting('BENCH_API_SECONDS', 20, 5);
const BATCHES = listSetting('BENCH_API_BATCHES', '1,100', '1,50');
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const result = newResult('api', 'Signed partner API intake (gateway process)');
  Object.assign(result.settings, {
    BENCH_API_CLIENTS: CLIENTS,
    BENCH_API_SECONDS: SECONDS,
    BENCH_API_BATCHES: BATCHES.join(','),
    BENCH_PARTITIONS: common.partitions,
  });
  const env = await ClusterEnv.create('api', hostingZone(DEFAULT_HOSTING));
  const sampler = new CpuSampler(env.database);
  sampler.track(process.pid, 'bench process (sign + send)');
  let gateway: AppProcess | undefined;
  try {
    const token = randomBytes(24).toString('base64url');
    gateway = await AppProcess.start('gateway', {
      ...env.appEnv(),
      OPERATOR_TOKEN_SHA256: createHash('sha256').update(token).digest('hex'),
      PARTNER_RATE_PER_S: '100000',
      PARTNER_RATE_BURST: '100000',
    });
    sampler.track(gateway.pid, 'gateway');
    const key = generateKeyPairSync('ed25519');
    const admin = async (path: string, body: unknown) => {
      const res = await fetch(gateway!.baseUrl + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) {
        throw new Error(
          `${path}: ${res.status} ${await res.text()}\ngateway output:\n${gateway!.output}`,
        );
      }
    };
    await admin('/admin/partners', {
      id: 'bench',
      name: 'Bench partner',
      sourceSystems: ['IWF', 'ECO'],
    });
    await admin('/admin/partners/bench/keys', {
      keyId: 'bench-1',
      alg: 'ed25519',
      publicJwk: publicJwk(key.publicKey),
    });
    const client = new PartnerClient({
      baseUrl: gateway.baseUrl,
      keyId: 'bench-1',
      key: { alg: 'ed25519', privateKey: key.privateKey },
    });
    const generator = benchGenerator(`A${common.runId}`);
    // Canonical JSON only: the format the API takes as a batch.
    const nextCanonical = () => {
      for (;;) {
        const r = generator.next();
        if (r.format === 'canonical') return r.value;
      }
    };

    gateway.startProfile();
    let best = 0;
    for (const size of BATCHES) {
      // A warm-up second, not counted.
      await load(client, nextCanonical, size, 1);
      const c0 = sampler.snapshot();
      const run = await load(client, nextCanonical, size, SECONDS);
      result.cpu[`batch ${size}`] = cpuBetween(c0, sampler.snapshot());
      const rate = ratePerSecond(run.accepted, run.elapsedMs);
      const latency = summariseLatencies(run.latencies);
      best = Math.max(best, rate);
      result.figures.push(
        { name: `batch ${size}: accepted`, value: round(rate), unit: 'referrals/s' },
        {
          name: `batch ${size}: requests`,
          value: round(ratePerSecond(run.requests, run.elapsedMs)),
          unit: 'requests/s',
        },
        {
          name: `batch ${size}: request latency p50 / p99`,
          value: `${round(latency.p50Ms ?? NaN)} / ${round(latency.p99Ms ?? NaN)}`,
          unit: 'ms',
        },
        {
          name: `batch ${size}: answers other than 202`,
          value:
            Object.entries(run.refused)
              .map(([s, n]) => `${s}×${n}`)
              .join(', ') || 'none',
        },
      );
      log(
        `api: batch ${size}: ${round(rate)} referrals/s accepted (${run.requests} requests, p99 ${round(latency.p99Ms ?? NaN)} ms)`,
      );
    }
    await gateway.stop();
    addProfiles(result, [gateway]);
    result.targets.push(
      target('API intake (best batch size)', round(best), 'referrals/s', { atLeast: 2000 }),
    );
    result.targets.push(
      target(
        'API intake, single referral per request',
        Number(result.figures.find((f) => f.name === `batch ${BATCHES[0]}: accepted`)?.value ?? 0),
        'referrals/s',
        { atLeast: 2000 },
      ),
    );
    result.notes.push(
      `${CLIENTS} clients in the bench process, each signing (Ed25519, RFC 9421 + RFC 9530 digest) and sending one request at a time; the bench's own CPU is in the table.`,
    );
  } finally {
    await gateway?.stop().catch(() => undefined);
    sampler.stop();
    await env.dispose();
  }
  console.log(`result: ${writeResult(result)}`);
}

async function load(
  client: PartnerClient,
  next: () => string,
  batch: number,
  seconds: number,
): Promise<{
  accepted: number;
  requests: number;
  latencies: number[];
  refused: Record<string, number>;
  elapsedMs: number;
}> {
  const until = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let accepted = 0;
  let requests = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const values = Array.from({ length: batch }, next);
        const body = batch === 1 ? values[0]! : `[${values.join(',')}]`;
        const t = Date.now();
        const res = await client.submit(body);
        latencies.push(Date.now() - t);
        requests++;
        if (res.status === 202) {
          const results = (res.body as { results: Array<{ status: string }> }).results;
          accepted += results.filter((r) => r.status === 'accepted').length;
        } else {
          refused[res.status] = (refused[res.status] ?? 0) + 1;
        }
      }
    }),
  );
  return { accepted, requests, latencies, refused, elapsedMs: Date.now() - started };
}

main().catch((error: unknown) => {
  console.error(`api bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
