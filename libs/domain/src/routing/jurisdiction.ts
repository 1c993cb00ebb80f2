import { type CanonicalReferral } from '../referral/canonical-referral';
import { toCountry } from '../referral/country';
import { policeFor } from './police-for-country';
import { type MatchedHold } from './routing-facts';
import { findRecipient, type Recipient, type RoutingRules } from './routing-rules';
import { isSenderOf, type Submitter } from './submitter';
import { type UnknownLocation } from './unknown-locations';

/**
 * Jurisdiction (W5): where a referral goes, from where its material is hosted (removal) and
 * where the people behind it are (investigation). The two are kept apart on purpose: the
 * hoster's country decides who sends notice-and-takedown, the uploader's or victim's country
 * decides which police investigate, and one referral often needs both.
 *
 * Pure: the facts (traces of each locator's host, geolocated investigation signals, police
 * holds) are gathered by the caller; this function only applies the rules to them.
 */

/** What tracing found out about one locator's hosting. */
export type HostingStatus =
  /** Addresses resolved and placed in one or more countries (or an origin is known). */
  | 'located'
  /** The host sits behind a CDN or reverse proxy and no origin is known. */
  | 'behind_cdn'
  /** No address, no country in the data, or a DNS failure. */
  | 'unresolved'
  /** .onion / .i2p: no notice-and-takedown is possible, only the police can act. */
  | 'hidden_service';

/**
 * Where the hosting countries came from: Wissel's own trace, an operator's override by
 * domain suffix, an origin disclosure, or (when the trace found nothing) the sender's own
 * trace (the addresses it observed, located here) or the sender's hint.
 */
export type HostingBasis = 'trace' | 'override' | 'disclosure' | 'sender_trace' | 'sender_hint';

export interface HostingFinding {
  /** Index of the locator in referral.locators. */
  locator: number;
  /** The locator's host (lower case, A-labels), as traced. */
  host?: string;
  status: HostingStatus;
  basis?: HostingBasis;
  /** Hosting countries (ISO 3166-1 alpha-2), one per distinct country of the host's addresses. */
  countries: string[];
  /** The CDN the host sits behind, when status is behind_cdn (or an origin was found behind it). */
  cdn?: string;
  /** Geolocated and registered countries disagree: recorded, and it lowers confidence. */
  countriesDisagree?: boolean;
  /** A country came from the registration (whois) only, the geolocation had none: lowers confidence. */
  registeredOnly?: boolean;
  /** The override suffix or the disclosure id that gave the countries. */
  override?: string;
  disclosure?: string;
  /** Who disclosed that origin: `operator…` or `partner:<id>`. */
  disclosedBy?: string;
}

export type InvestigationRole = 'uploader' | 'account' | 'victim' | 'police_case';

/** A country that matters for investigation, and why. */
export interface InvestigationFinding {
  role: InvestigationRole;
  country: string;
  /** Where the country came from: the sender's estimate, a geolocated IP event, a police case. */
  basis: 'estimated' | 'ip_event' | 'law_enforcement';
}

export interface JurisdictionFacts {
  hosting: HostingFinding[];
  investigation: InvestigationFinding[];
  holds?: MatchedHold[];
  /**
   * Locators whose URL the referral's open case already holds: their notice went out
   * with the case (or waits with it), so they get no second removal route.
   */
  noticedLocators?: ReadonlySet<number>;
  /** Pseudo-country codes found where a country was looked for: each means unknown. */
  unknownLocations?: readonly UnknownLocation[];
  /** The authenticated sender: its recipients never get the referral. */
  submitter?: Submitter;
}

/** Every rule a route can name: a list, so the API's documentation enumerates them. */
export const JURISDICTION_RULES = [
  'hosted_at_home',
  'hosted_abroad_partner',
  'hosted_abroad_no_partner',
  'hosting_unknown',
  'behind_cdn',
  'hidden_service',
  'no_url_incident',
  'no_url_incident_partner_police',
  'no_url_incident_abroad',
  'no_url_location_unknown',
  'urgent_at_home',
  'investigation_at_home',
  'investigation_partner_police',
  'investigation_abroad',
  'pseudo_country',
  'police_hold',
  'nothing_to_route',
] as const;

export type JurisdictionRule = (typeof JURISDICTION_RULES)[number];

export type RoutePurpose = 'removal' | 'investigation' | 'review';

/** One reason to send the referral to one recipient. A recipient may have several. */
export interface Route {
  recipient: string;
  purpose: RoutePurpose;
  rule: JurisdictionRule;
  /** The country the rule looked at, when there is one. */
  country?: string;
  /** The locators this route is about (removal and review routes). */
  locators?: number[];
}

export interface JurisdictionDecision {
  routes: Route[];
  /** Every recipient once, in the order of first route. */
  recipients: string[];
  /** Recipients a rule chose that were dropped because the referral came through them. */
  droppedForLoop: string[];
  /** Hosting countries (removal jurisdictions), each once. */
  removalCountries: string[];
  /** Investigation countries, each once. */
  investigationCountries: string[];
  /** A police hold applies: removal waits; only the police are told. */
  held: boolean;
  /**
   * Lowered when geolocated and registered countries disagree, a country is known only from
   * the registration, a host is unresolved or behind a CDN, hosting rests on the sender's
   * trace or hint, a pseudo-country code was found, or an incident without a URL is placed
   * only by the sender's estimate of the uploader's country (or not at all).
   */
  confidence: 'high' | 'low';
}

const URGENT_ONLY: ReadonlySet<string> = new Set(['urgent']);

const HIDDEN_SERVICE = /\.(onion|i2p)\.?$/i;

/** True for hosts that only police can act on (Tor and I2P services). */
export function isHiddenServiceHost(host: string): boolean {
  return HIDDEN_SERVICE.test(host);
}

/**
 * The investigation countries a referral states itself: the estimated country of each
 * uploader, account holder and victim, and the countries of existing police cases. Countries
 * of IP events need a geolocation lookup, so the caller adds those (basis 'ip_event').
 * Pseudo codes (A1, EU, …) never become a country.
 */
export function statedInvestigation(referral: CanonicalReferral): InvestigationFinding[] {
  const found: InvestigationFinding[] = [];
  for (const person of referral.persons) {
    const country = toCountry(person.estimatedCountry);
    if (country) found.push({ role: person.role, country, basis: 'estimated' });
  }
  for (const raw of referral.lawEnforcement?.countries ?? []) {
    const country = toCountry(raw);
    if (country) found.push({ role: 'police_case', country, basis: 'law_enforcement' });
  }
  return found;
}

/**
 * Applies the jurisdiction rules:
 * - hosted at home → the national hotline (plus domestic police when investigation is at
 *   home or the referral is urgent); abroad with a partner hotline → that partner; abroad
 *   without one → the international police channel; several countries → each of them;
 * - uploader, account, victim or police case at home → domestic police; abroad → that
 *   country's police partner, else the international police channel;
 * - an incident without a URL (or police-only) → the police of the uploader's country (of
 *   the account holder's when no uploader is placed), as above; nowhere known → review;
 * - hidden services → police; unknown or CDN-hidden hosting → the review queue;
 * - a pseudo-country code read anywhere → review, and confidence is low;
 * - a matched police hold → police only, removal waits;
 * - never back to the sender (its authenticated submitter's recipients, its source system) or
 *   anyone in `via` (dropped and recorded); nothing left → review.
 */
export function decideJurisdiction(
  referral: CanonicalReferral,
  facts: JurisdictionFacts,
  rules: RoutingRules,
): JurisdictionDecision {
  const home = rules.home.toUpperCase();
  const routes: Route[] = [];
  const police = findRecipient(rules, 'domestic_police', home);
  const intlPolice = findRecipient(rules, 'international_police');
  const add = (route: Omit<Route, 'recipient'>, recipient: Recipient | undefined): void => {
    routes.push({ ...route, recipient: recipient?.id ?? rules.reviewRecipient });
  };

  const urlLocators = referral.locators
    .map((locator, index) => ({ locator, index }))
    .filter(({ locator }) => locator.url !== undefined);
  const policePriorities = rules.policeWhenHostedAtHome ?? URGENT_ONLY;
  const urgent =
    referral.incident.threatToLife === true || policePriorities.has(referral.incident.priority);

  // Removal: per locator, from where it is hosted.
  const removalCountries = new Set<string>();
  const withoutUrl = referral.incident.policeOnly === true || urlLocators.length === 0;
  let guessedIncident = false;
  if (withoutUrl) {
    const located = incidentLocation(facts.investigation);
    if (located.length === 0) {
      add({ purpose: 'review', rule: 'no_url_location_unknown' }, undefined);
    }
    for (const { country, estimatedOnly } of located) {
      if (estimatedOnly) guessedIncident = true;
      const { where, recipient } = policeFor(country, rules);
      add({ purpose: 'investigation', rule: NO_URL_RULES[where], country }, recipient);
    }
  }
  for (const finding of facts.hosting) {
    const locators = [finding.locator];
    if (finding.status === 'hidden_service') {
      add({ purpose: 'investigation', rule: 'hidden_service', locators }, police);
      continue;
    }
    if (finding.status !== 'located' || finding.countries.length === 0) {
      const rule = finding.status === 'behind_cdn' ? 'behind_cdn' : 'hosting_unknown';
      add({ purpose: 'review', rule, locators }, undefined);
      continue;
    }
    // A URL the case already holds keeps its notice; it gets no second removal route.
    const noticed = facts.noticedLocators?.has(finding.locator) === true;
    for (const raw of finding.countries) {
      const country = raw.toUpperCase();
      removalCountries.add(country);
      if (country === home) {
        if (!noticed) {
          add(
            { purpose: 'removal', rule: 'hosted_at_home', country, locators },
            findRecipient(rules, 'national_hotline', home),
          );
        }
        if (urgent) add({ purpose: 'investigation', rule: 'urgent_at_home', country }, police);
        continue;
      }
      if (noticed) continue;
      const partner = findRecipient(rules, 'partner_hotline', country);
      if (partner) {
        add({ purpose: 'removal', rule: 'hosted_abroad_partner', country, locators }, partner);
      } else {
        add(
          { purpose: 'removal', rule: 'hosted_abroad_no_partner', country, locators },
          intlPolice,
        );
      }
    }
  }

  // Investigation: from where the people (or an existing police case) are.
  const investigationCountries = new Set<string>();
  for (const finding of facts.investigation) {
    const country = finding.country.toUpperCase();
    if (investigationCountries.has(country)) continue;
    investigationCountries.add(country);
    const { where, recipient } = policeFor(country, rules);
    add({ purpose: 'investigation', rule: INVESTIGATION_RULES[where], country }, recipient);
  }

  // A pseudo-country code stands for a place nobody knows: a person looks at it.
  const pseudo = (facts.unknownLocations?.length ?? 0) > 0;
  if (pseudo) add({ purpose: 'review', rule: 'pseudo_country' }, undefined);

  // A police hold: the police only; notice-and-takedown waits until the hold ends.
  const held = (facts.holds?.length ?? 0) > 0;
  let chosen = routes;
  if (held) {
    chosen = [
      {
        recipient: police?.id ?? rules.reviewRecipient,
        purpose: 'investigation',
        rule: 'police_hold',
      },
    ];
  }

  // Never back to the sender (authenticated or named) or anyone it passed through.
  const droppedForLoop = new Set<string>();
  const kept = chosen.filter((route) => {
    if (
      route.recipient !== rules.reviewRecipient &&
      isSenderOf(referral, route.recipient, rules, facts.submitter)
    ) {
      droppedForLoop.add(route.recipient);
      return false;
    }
    return true;
  });
  if (kept.length === 0) {
    kept.push({ recipient: rules.reviewRecipient, purpose: 'review', rule: 'nothing_to_route' });
  }

  const lowConfidence = facts.hosting.some(
    (f) =>
      f.countriesDisagree ||
      f.registeredOnly ||
      f.basis === 'sender_hint' ||
      f.basis === 'sender_trace' ||
      f.status === 'unresolved' ||
      f.status === 'behind_cdn',
  );
  const incidentUnknown = routes.some((route) => route.rule === 'no_url_location_unknown');
  return {
    routes: kept,
    recipients: [...new Set(kept.map((route) => route.recipient))],
    droppedForLoop: [...droppedForLoop],
    removalCountries: [...removalCountries],
    investigationCountries: [...investigationCountries],
    held,
    confidence: lowConfidence || pseudo || incidentUnknown || guessedIncident ? 'low' : 'high',
  };
}

const NO_URL_RULES = {
  home: 'no_url_incident',
  partner_police: 'no_url_incident_partner_police',
  abroad: 'no_url_incident_abroad',
} as const satisfies Record<string, JurisdictionRule>;

const INVESTIGATION_RULES = {
  home: 'investigation_at_home',
  partner_police: 'investigation_partner_police',
  abroad: 'investigation_abroad',
} as const satisfies Record<string, JurisdictionRule>;

/**
 * Where an incident without a URL happened: the uploader's countries, else the account
 * holder's (victims and police cases have their own investigation routes). Each country once,
 * marked when it rests only on the sender's estimate and no located IP event.
 */
export function incidentLocation(
  investigation: readonly InvestigationFinding[],
): Array<{ country: string; estimatedOnly: boolean }> {
  const uploader = investigation.filter((f) => f.role === 'uploader');
  const chosen = uploader.length > 0 ? uploader : investigation.filter((f) => f.role === 'account');
  const countries = new Map<string, boolean>();
  for (const finding of chosen) {
    const country = finding.country.toUpperCase();
    const estimated = finding.basis === 'estimated';
    countries.set(country, (countries.get(country) ?? true) && estimated);
  }
  return [...countries].map(([country, estimatedOnly]) => ({ country, estimatedOnly }));
}
