import { type HealthIndicatorService } from '@nestjs/terminus';
import { loadRoutingRules } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { type ReadinessCheck } from './readiness-check';

type Outcome = { ok: true; version: string } | { ok: false; error: string };

/**
 * Ready only while the ROUTING_CONFIG file can be read and is valid: re-read on a probe at
 * most every `cacheMs` (a probe every few seconds must not parse YAML each time). The rules
 * in force stay those loaded at start-up; a changed file only reports `restartNeeded`, and
 * a broken one makes the app not ready, so an operator learns of it before the next
 * restart would fail. No maximum age: a rules file is not stale by age, only by edits.
 */
export const routingConfigCheck = (
  indicators: HealthIndicatorService,
  path: string,
  loaded: RoutingRules,
  cacheMs: number,
  now: () => number = Date.now,
): ReadinessCheck => {
  let cached: { at: number; outcome: Outcome } | undefined;
  const read = (): Outcome => {
    try {
      return { ok: true, version: loadRoutingRules(path).version };
    } catch (error) {
      // ConfigurationError names the file and the reason (never a value from it).
      return { ok: false, error: (error as Error).message };
    }
  };
  return async () => {
    const at = now();
    if (!cached || at - cached.at >= cacheMs) cached = { at, outcome: read() };
    const { outcome } = cached;
    const session = indicators.check('routing_config');
    if (!outcome.ok) return session.down({ loadedVersion: loaded.version, error: outcome.error });
    return session.up({
      loadedVersion: loaded.version,
      fileVersion: outcome.version,
      restartNeeded: outcome.version !== loaded.version,
    });
  };
};
