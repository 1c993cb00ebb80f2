import {
  type AddressFacts,
  type DataSetFacts,
  type DnsQueryFacts,
  type HostTraceFacts,
} from '@wissel/domain';
import {
  type AddressLocation,
  type DataSetInfo,
  type HostTrace,
  type QueryAnswer,
} from '@wissel/geo';

/** A trace as the decision records it: addresses, countries, AS, data sets, DNS outcome. */
export function toTraceFacts(trace: HostTrace): HostTraceFacts {
  return {
    host: trace.host,
    outcome: trace.outcome,
    addresses: trace.addresses.map((address) => ({ ...address })),
    ...(trace.queries
      ? { dns: { A: toQueryFacts(trace.queries.A), AAAA: toQueryFacts(trace.queries.AAAA) } }
      : {}),
    dataSets: trace.dataSets.map(toDataSetFacts),
    tracedAt: trace.tracedAt,
  };
}

/** One located address (an IP event, a disclosed origin), keyed by the text it was given as. */
export function toAddressFacts(given: string, location: AddressLocation): AddressFacts {
  const { dataSets: _, ip: _canonical, ...facts } = location;
  return { ip: given, ...facts };
}

function toQueryFacts(answer: QueryAnswer): DnsQueryFacts {
  return {
    outcome: answer.outcome,
    ...(answer.code ? { code: answer.code } : {}),
    fromCache: answer.fromCache,
  };
}

export function toDataSetFacts(info: DataSetInfo): DataSetFacts {
  return {
    role: info.role,
    name: info.name,
    builtAt: info.builtAt,
    ...(info.package ? { package: info.package } : {}),
  };
}
