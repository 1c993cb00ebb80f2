import { type HealthIndicatorService } from '@nestjs/terminus';
import { type ReadinessCheck } from '@wissel/observability';
import { type GeoServices } from '@wissel/pipeline';

/**
 * Ready only once the geo data sets are open (and, with GEO_MAX_AGE_DAYS set, none is
 * older than that): without them the router would route every referral on guesses.
 */
export const geoDataCheck =
  (indicators: HealthIndicatorService, geo: GeoServices): ReadinessCheck =>
  async () => {
    const session = indicators.check('geo_data');
    const state = geo.state();
    if (state.status === 'open') {
      const dataSets = state.dataSets.map(({ name, builtAt }) => ({ name, builtAt }));
      const stale = state.stale.map(({ name }) => name);
      return stale.length === 0 ? session.up({ dataSets }) : session.down({ dataSets, stale });
    }
    if (state.status === 'failed') return session.down({ error: state.error });
    return session.down({ state: state.status });
  };
