import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessCheck } from '@wissel/observability';

export interface DependencyHealthView {
  status: 'up' | 'down';
  /** Per dependency (database, kafka_producer, kafka_topics…): its status and details. */
  checks: Record<string, { status: string; [detail: string]: unknown }>;
}

/**
 * The gateway's own readiness checks (the list registered with HealthModule.forApp), run
 * for the dashboard: the same answers /health/ready gives, one entry per dependency. Found
 * through the module graph, so there is one list of checks to keep, not two.
 */
@Injectable()
export class DependencyHealth {
  private checks?: ReadinessCheck[];

  constructor(private readonly moduleRef: ModuleRef) {}

  async execute(): Promise<DependencyHealthView> {
    this.checks ??= this.moduleRef.get<ReadinessCheck[]>(READINESS_CHECKS, { strict: false });
    const results = await Promise.all(this.checks.map((check, i) => run(check, i)));
    const checks = Object.assign({}, ...results) as DependencyHealthView['checks'];
    const down = Object.values(checks).some((c) => c.status !== 'up');
    return { status: down ? 'down' : 'up', checks };
  }
}

async function run(check: ReadinessCheck, index: number): Promise<HealthIndicatorResult> {
  try {
    return await check();
  } catch (error) {
    // Terminus indicators may throw with their result attached; else name the failure only
    // (a driver's message can quote a connection string).
    const causes = (error as { causes?: HealthIndicatorResult }).causes;
    if (causes && typeof causes === 'object') return causes;
    return { [`check_${index + 1}`]: { status: 'down', error: (error as Error).name } };
  }
}
