export * from './clock';
export { parseIp, type IpAddress, type IpFamily } from './address/ip-address';
export { toCountryCode } from './address/country-code';
export { GeoDataError } from './data/address-source';
export {
  staleDataSets,
  type DataSetInfo,
  type DataSetRole,
  type BuildDateSource,
} from './data/data-set';
export { defaultDataSetPaths } from './data/default-data-sets';
export {
  AddressLocator,
  type AddressLocation,
  type AddressLocatorOptions,
} from './locate/address-locator';
export { classifyHost, type HostKind } from './dns/host-name';
export { HostResolver, type HostResolverOptions, type ResolveOptions } from './dns/host-resolver';
export * from './dns/resolution';
export * from './trace/host-trace';
export { HostTracer, type TraceDependencies } from './trace/host-tracer';
