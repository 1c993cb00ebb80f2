import { promises as dns } from 'node:dns';
import { parseIp } from '../address/ip-address';
import { systemClock, type Clock } from '../clock';
import { AnswerCache } from './answer-cache';
import { classifyHost } from './host-name';
import {
  combineOutcomes,
  type QueryAnswer,
  type QueryOutcome,
  type Resolution,
  type ResolvedAddress,
} from './resolution';

export interface HostResolverOptions {
  /** `ip`, `ip:port` or `[ipv6]:port`, tried in order. Default: the system's resolvers. */
  servers?: readonly string[];
  /** First try's timeout (c-ares backs off on later tries). Default 2000. */
  timeoutMs?: number;
  /** Tries per server. Default 2. */
  tries?: number;
  /** Hard bound on one query, whatever c-ares does. Default timeoutMs × 2^tries. */
  deadlineMs?: number;
  /** Record TTLs are clamped to [minTtlSeconds, maxTtlSeconds] for caching. Default 30, 3600. */
  minTtlSeconds?: number;
  maxTtlSeconds?: number;
  /** How long NXDOMAIN and no-data answers are cached. Default 300. */
  negativeTtlSeconds?: number;
  /** Default 10000 (one entry per name and record type). */
  maxCacheEntries?: number;
  clock?: Clock;
}

export interface ResolveOptions {
  /** Ask the server even if the cache has an answer (a re-trace right before a notice). */
  fresh?: boolean;
}

type RecordType = 'A' | 'AAAA';

const OUTCOMES: Readonly<Record<string, QueryOutcome>> = {
  [dns.NOTFOUND]: 'nxdomain',
  [dns.NODATA]: 'nodata',
  [dns.TIMEOUT]: 'timeout',
  [dns.SERVFAIL]: 'servfail',
  [dns.REFUSED]: 'refused',
};

/**
 * A and AAAA lookups through node's c-ares resolver: DNS queries only, never the system's
 * getaddrinfo (no hosts file, no search domains), and never a connection to the host.
 * IP literals and special-use names are answered without a query. Answers are cached by
 * their TTL; concurrent lookups of one name share one query.
 */
export class HostResolver {
  private readonly resolver: dns.Resolver;
  private readonly clock: Clock;
  private readonly cache: AnswerCache<QueryAnswer>;
  private readonly inFlight = new Map<string, Promise<QueryAnswer>>();
  private readonly deadlineMs: number;
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly negativeTtl: number;

  constructor(options: HostResolverOptions = {}) {
    const timeoutMs = positive('timeoutMs', options.timeoutMs ?? 2000);
    const tries = positive('tries', options.tries ?? 2);
    this.deadlineMs = positive('deadlineMs', options.deadlineMs ?? timeoutMs * 2 ** tries);
    this.minTtl = atLeastZero('minTtlSeconds', options.minTtlSeconds ?? 30);
    this.maxTtl = atLeastZero('maxTtlSeconds', options.maxTtlSeconds ?? 3600);
    if (this.maxTtl < this.minTtl) throw new RangeError('maxTtlSeconds is below minTtlSeconds');
    this.negativeTtl = atLeastZero('negativeTtlSeconds', options.negativeTtlSeconds ?? 300);
    this.clock = options.clock ?? systemClock;
    const maxEntries = atLeastZero('maxCacheEntries', options.maxCacheEntries ?? 10_000);
    this.cache = new AnswerCache(this.clock, maxEntries);
    this.resolver = new dns.Resolver({ timeout: timeoutMs, tries });
    if (options.servers && options.servers.length > 0) {
      this.resolver.setServers([...options.servers]);
    }
  }

  /** The servers queries go to, as `ip` or `ip:port`. */
  get servers(): string[] {
    return this.resolver.getServers();
  }

  async resolve(host: string, options: ResolveOptions = {}): Promise<Resolution> {
    const kind = classifyHost(host);
    if (kind.kind === 'invalid') return { host, outcome: 'invalid_host', addresses: [] };
    if (kind.kind === 'not_in_dns')
      return { host: kind.name, outcome: 'not_in_dns', addresses: [] };
    if (kind.kind === 'ip') {
      const { text: ip, family } = kind.ip;
      return { host: ip, outcome: 'ip_literal', addresses: [{ ip, family }] };
    }
    const fresh = options.fresh === true;
    const [a, aaaa] = await Promise.all([
      this.query(kind.name, 'A', fresh),
      this.query(kind.name, 'AAAA', fresh),
    ]);
    return {
      host: kind.name,
      outcome: combineOutcomes(a.outcome, aaaa.outcome),
      addresses: [...a.addresses, ...aaaa.addresses],
      queries: { A: a, AAAA: aaaa },
    };
  }

  /** Drops every cached answer. */
  clearCache(): void {
    this.cache.clear();
  }

  /** Ends outstanding queries (they finish as `error`, code ECANCELLED): for shutdown. */
  close(): void {
    this.resolver.cancel();
    this.cache.clear();
  }

  private query(name: string, type: RecordType, fresh: boolean): Promise<QueryAnswer> {
    const key = `${type} ${name}`;
    const cached = fresh ? undefined : this.cache.get(key);
    if (cached) return Promise.resolve({ ...cached, fromCache: true });
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const query = this.ask(name, type)
      .then((answer) => {
        this.cache.set(key, answer, this.cacheSeconds(answer));
        return answer;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, query);
    return query;
  }

  private async ask(name: string, type: RecordType): Promise<QueryAnswer> {
    const lookup =
      type === 'A'
        ? this.resolver.resolve4(name, { ttl: true })
        : this.resolver.resolve6(name, { ttl: true });
    // If the deadline wins, the late answer or error must not become an unhandled rejection.
    lookup.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(resolve, this.deadlineMs, 'deadline');
      timer.unref();
    });
    try {
      const records = await Promise.race([lookup, deadline]);
      if (records === 'deadline') return this.failed('timeout', 'EDEADLINE');
      const addresses = distinct(records.map((record) => toAddress(record.address, record.ttl)));
      if (addresses.length === 0) return this.failed('nodata', dns.NODATA);
      return { outcome: 'addresses', addresses, answeredAt: this.clock(), fromCache: false };
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? 'EUNKNOWN');
      return this.failed(OUTCOMES[code] ?? 'error', code);
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(outcome: QueryOutcome, code: string): QueryAnswer {
    return { outcome, code, addresses: [], answeredAt: this.clock(), fromCache: false };
  }

  /** Positive answers by their shortest TTL, clamped; NXDOMAIN and no-data for the negative TTL; failures not at all. */
  private cacheSeconds(answer: QueryAnswer): number {
    if (answer.outcome === 'addresses') {
      const ttl = Math.min(...answer.addresses.map((address) => address.ttl ?? 0));
      return Math.min(this.maxTtl, Math.max(this.minTtl, ttl));
    }
    if (answer.outcome === 'nxdomain' || answer.outcome === 'nodata') return this.negativeTtl;
    return 0;
  }
}

function toAddress(text: string, ttl: number): ResolvedAddress | undefined {
  const ip = parseIp(text);
  return ip ? { ip: ip.text, family: ip.family, ttl } : undefined;
}

function distinct(addresses: (ResolvedAddress | undefined)[]): ResolvedAddress[] {
  const seen = new Set<string>();
  return addresses.filter((address): address is ResolvedAddress => {
    if (!address || seen.has(address.ip)) return false;
    seen.add(address.ip);
    return true;
  });
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be positive`);
  return value;
}

function atLeastZero(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must not be negative`);
  return value;
}
