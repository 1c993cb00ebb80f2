import { Global, Module } from '@nestjs/common';
import { GeoServices } from './geo-services';

/**
 * One GeoServices per process (one DNS cache, one copy of the data sets), global so the
 * router's readiness check sees the instance its intake uses.
 */
@Global()
@Module({ providers: [GeoServices], exports: [GeoServices] })
export class GeoModule {}
