import { Injectable } from '@nestjs/common';
import { type HostTraceFacts } from '@wissel/domain';
import { mapBounded } from '../jurisdiction/bounded';
import { GeoServices } from '../jurisdiction/geo-services';
import { toTraceFacts } from '../jurisdiction/trace-facts';

/**
 * Traces hosts again (DNS and the local data sets, as the router does), before a breach is
 * escalated or when a recipient names a new location. Never contacts the host.
 */
@Injectable()
export class HostRetracer {
  constructor(private readonly geo: GeoServices) {}

  async trace(hosts: readonly string[]): Promise<HostTraceFacts[]> {
    if (hosts.length === 0) return [];
    const { tracer } = await this.geo.open();
    return mapBounded([...hosts], this.geo.settings.concurrency, async (host) => ({
      ...toTraceFacts(await tracer.trace(host)),
      // Keyed by the locator's host as the decision looks it up.
      host,
    }));
  }
}
