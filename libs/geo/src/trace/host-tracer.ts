import { systemClock, type Clock } from '../clock';
import type { DataSetInfo } from '../data/data-set';
import type { ResolveOptions } from '../dns/host-resolver';
import type { Resolution } from '../dns/resolution';
import type { AddressLocator } from '../locate/address-locator';
import type { HostTrace, TracedAddress } from './host-trace';

/** The parts of HostResolver and AddressLocator a trace needs. */
export interface TraceDependencies {
  resolver: { resolve(host: string, options?: ResolveOptions): Promise<Resolution> };
  locator: Pick<AddressLocator, 'locate'>;
  clock?: Clock;
}

/** Resolves a host and looks up every address it has: DNS and local files, nothing else. */
export class HostTracer {
  private readonly clock: Clock;

  constructor(private readonly dependencies: TraceDependencies) {
    this.clock = dependencies.clock ?? systemClock;
  }

  async trace(host: string, options: ResolveOptions = {}): Promise<HostTrace> {
    const resolution = await this.dependencies.resolver.resolve(host, options);
    const dataSets = new Set<DataSetInfo>();
    const addresses = resolution.addresses.map((address): TracedAddress => {
      const location = this.dependencies.locator.locate(address.ip);
      location?.dataSets.forEach((dataSet) => dataSets.add(dataSet));
      const {
        ip,
        family,
        range,
        dataSets: _,
        ...facts
      } = location ?? {
        ip: address.ip,
        family: address.family,
        range: 'unknown',
        dataSets: [],
      };
      const ttl = address.ttl === undefined ? {} : { ttl: address.ttl };
      return { ip, family, ...ttl, range, ...facts };
    });
    return {
      host: resolution.host,
      outcome: resolution.outcome,
      addresses,
      ...(resolution.queries ? { queries: resolution.queries } : {}),
      dataSets: [...dataSets],
      tracedAt: new Date(this.clock()).toISOString(),
    };
  }
}
