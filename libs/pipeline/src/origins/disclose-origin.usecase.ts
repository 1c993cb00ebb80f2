import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { Injectable, Logger } from '@nestjs/common';
import { getDomain } from 'tldts';
import {
  DomainError,
  normaliseSuffix,
  toCountry,
  type AddressFacts,
  type CanonicalReferral,
} from '@wissel/domain';
import { parseIp } from '@wissel/geo';
import {
  DecisionRecordRepository,
  OriginDisclosureRepository,
  type OriginDisclosureRow,
  type ReferralForRedecision,
} from '@wissel/persistence';
import { GeoServices } from '../jurisdiction/geo-services';
import { RedecideReferrals, type Redecision } from '../jurisdiction/redecide-referrals';
import { toAddressFacts } from '../jurisdiction/trace-facts';

/**
 * A disclosure names one site's origin: a registrable domain (example.co.uk) or a name
 * under one, never a public suffix (co.uk, com, or a private one such as github.io), so no
 * one can move a whole top-level domain. tldts reads Mozilla's public suffix list.
 */
export function isAtOrBelowRegistrableDomain(host: string): boolean {
  return getDomain(host, { allowPrivateDomains: true }) !== null;
}

/** Referrals a disclosure applies to: all, or those under the disclosing partner's systems. */
export function appliesTo(
  rows: ReferralForRedecision[],
  sourceSystems: string[] | undefined | null,
): ReferralForRedecision[] {
  if (!sourceSystems) return rows;
  return rows.filter((row) =>
    sourceSystems.includes((row.canonical as unknown as CanonicalReferral).sourceRef.system),
  );
}

export class OriginDisclosureInvalidError extends DomainError {
  readonly code = 'origin_disclosure_invalid';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { field });
  }
}

export interface DiscloseOriginCommand {
  /** The host (or a domain suffix) whose origin is disclosed. */
  host: string;
  originCountry?: string;
  /** The origin server's addresses; located in the local data sets, never contacted. */
  originIps?: string[];
  /** The operator or partner id that disclosed it. */
  disclosedBy: string;
  note?: string;
  /**
   * A partner's own source systems: its disclosure applies to their referrals only, until
   * an operator confirms it. Absent: an operator's disclosure, for every referral.
   */
  sourceSystems?: string[];
  /** Days until it expires: DEFAULT_DISCLOSURE_DAYS when absent, at most MAX_DISCLOSURE_DAYS. */
  expiresInDays?: number;
}

export const DEFAULT_DISCLOSURE_DAYS = 30;
export const MAX_DISCLOSURE_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

const HOST_SUFFIX = /^(?!-)[a-z0-9-]{1,63}(\.(?!-)[a-z0-9-]{1,63})*$/;
const MAX_IPS = 64;

/**
 * Records where the origin behind a CDN-fronted host is (from an operator, or a partner
 * who learnt it from the CDN's abuse desk) and re-routes the open cases it concerns:
 * every referral whose decision in force sent a locator on that host to review as
 * behind_cdn is decided again with the origin, and recipients that never had it get it.
 */
@Injectable()
export class DiscloseOriginUseCase {
  private readonly logger = new Logger('origins');

  constructor(
    private readonly disclosures: OriginDisclosureRepository,
    private readonly decisions: DecisionRecordRepository,
    private readonly redecide: RedecideReferrals,
    private readonly geo: GeoServices,
  ) {}

  async execute(
    command: DiscloseOriginCommand,
    now = new Date(),
  ): Promise<{ disclosure: OriginDisclosureRow; rerouted: Redecision[] }> {
    const suffix = normaliseSuffix(domainToASCII(normaliseSuffix(command.host)) || command.host);
    if (!HOST_SUFFIX.test(suffix) || suffix.length > 253) {
      throw new OriginDisclosureInvalidError('host', 'host must be a domain name or suffix');
    }
    if (!isAtOrBelowRegistrableDomain(suffix)) {
      throw new OriginDisclosureInvalidError(
        'host',
        'host must be a registrable domain or a name under one, never a public suffix such as a top-level domain',
      );
    }
    const days = command.expiresInDays ?? DEFAULT_DISCLOSURE_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_DISCLOSURE_DAYS) {
      throw new OriginDisclosureInvalidError(
        'expiresInDays',
        `expiresInDays must be a whole number of days from 1 to ${MAX_DISCLOSURE_DAYS}`,
      );
    }
    const country =
      command.originCountry === undefined ? undefined : toCountry(command.originCountry);
    if (command.originCountry !== undefined && !country) {
      throw new OriginDisclosureInvalidError(
        'originCountry',
        'originCountry must be a country code',
      );
    }
    const ips = command.originIps ?? [];
    if (ips.length > MAX_IPS) {
      throw new OriginDisclosureInvalidError('originIps', `at most ${MAX_IPS} origin addresses`);
    }
    const origins = await this.locate(ips);
    const located = origins.some((o) => toCountry(o.geoCountry) ?? toCountry(o.registeredCountry));
    if (!country && !located) {
      throw new OriginDisclosureInvalidError(
        'originCountry',
        'give originCountry, or origin addresses whose country the geo data knows',
      );
    }
    if (!command.disclosedBy.trim()) {
      throw new OriginDisclosureInvalidError('disclosedBy', 'disclosedBy is required');
    }
    const disclosure = await this.disclosures.insert({
      id: randomUUID(),
      suffix,
      originCountry: country,
      originIps: origins.map((o) => o.ip),
      origins,
      disclosedBy: command.disclosedBy.trim(),
      note: command.note,
      ...(command.sourceSystems ? { sourceSystems: command.sourceSystems } : {}),
      expiresAt: new Date(now.getTime() + days * DAY_MS),
    });
    const rerouted = await this.redecide.redecide(
      appliesTo(await this.decisions.behindCdnUnder(suffix), command.sourceSystems),
      'origin_disclosure',
    );
    this.logger.log({ disclosureId: disclosure.id, rerouted: rerouted.length }, 'origin disclosed');
    return { disclosure, rerouted };
  }

  private async locate(ips: string[]): Promise<AddressFacts[]> {
    if (ips.length === 0) return [];
    const { locator } = await this.geo.open();
    return ips.map((text, i) => {
      const ip = parseIp(text);
      const location = ip ? locator.locate(ip) : undefined;
      if (!ip || !location) {
        throw new OriginDisclosureInvalidError(`originIps/${i}`, 'not an IP address');
      }
      return toAddressFacts(ip.text, location);
    });
  }
}
