import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { staleDataSets, type DataSetInfo } from '@wissel/geo';
import { geoSettings, openGeo, type Geo, type GeoSettings } from './geo-setup';

export type GeoState =
  | { status: 'closed' | 'opening' }
  | { status: 'open'; dataSets: readonly DataSetInfo[]; stale: DataSetInfo[] }
  | { status: 'failed'; error: string };

/**
 * The process's one resolver (its DNS cache shared by every batch) and data sets. Opened
 * once, on first use: the router opens it at start-up; apps that never trace never pay
 * for the data sets.
 */
@Injectable()
export class GeoServices implements OnModuleDestroy {
  readonly settings: GeoSettings;
  private opening?: Promise<Geo>;
  private geo?: Geo;
  private failure?: string;

  constructor(config: WisselConfig) {
    this.settings = geoSettings(config);
  }

  /** The data sets and resolver; a failed open is tried again on the next call. */
  open(): Promise<Geo> {
    this.opening ??= openGeo(this.settings).then(
      (geo) => {
        this.geo = geo;
        this.failure = undefined;
        return geo;
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error);
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  state(now = Date.now()): GeoState {
    if (this.geo) {
      const { dataSets } = this.geo.locator;
      const maxAgeMs = this.settings.maxAgeDays * 86_400_000;
      const stale = maxAgeMs > 0 ? staleDataSets(dataSets, now, maxAgeMs) : [];
      return { status: 'open', dataSets, stale };
    }
    if (this.failure) return { status: 'failed', error: this.failure };
    return { status: this.opening ? 'opening' : 'closed' };
  }

  onModuleDestroy(): void {
    this.geo?.resolver.close();
  }
}
