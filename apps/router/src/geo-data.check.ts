import { type HealthIndicatorService } from '@nestjs/terminus';
import { type ReadinessCheck } from '@wissel/observability';
import { type GeoServices } from '@wissel/pipeline';

/**
 * Ready only once the geo data sets are open and, with GEO_MAX_AGE_DAYS set, none is older
 * than that — evaluated on every probe, so data that ages past the limit while the router
 * runs makes it not ready without a restart. Without fresh data the router would route
 * referrals on where addresses used to be.
 */
export const geoDataCheck =
  (indicators: HealthIndicatorService, geo: GeoServices): ReadinessCheck =>
  async () => {
    const session = indicators.check('geo_data');
    const state = geo.state();
    const maxAgeDays = geo.settings.maxAgeDays;
    if (state.status === 'open') {
      const dataSets = state.dataSets.map(({ name, builtAt }) => ({ name, builtAt }));
      const stale = state.stale.map(({ name }) => name);
      const details = { maxAgeDays, dataSets };
      return stale.length === 0 ? session.up(details) : session.down({ ...details, stale });
    }
    if (state.status === 'failed') return session.down({ error: state.error });
    return session.down({ state: state.status });
  };
