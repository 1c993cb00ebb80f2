import { type HealthIndicatorResult } from '@nestjs/terminus';

/** One dependency check for /health/ready; each app registers its own list. */
export type ReadinessCheck = () => Promise<HealthIndicatorResult>;

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
