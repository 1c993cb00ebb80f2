/**
 * The canonical referral, version 1: the one shape every inbound format is mapped onto.
 * The JSON Schema in libs/formats is the source of truth for validation; these types
 * mirror it for the code. Unknown inbound fields are not modelled here: they stay in the
 * raw payload that is stored beside the canonical form.
 */
export const REFERRAL_SCHEMA_V1 = 'wissel.referral/1';

export type Priority = 'normal' | 'high' | 'urgent';
export type SourceKind = 'hotline' | 'reporting_centre' | 'abuse_desk' | 'police' | 'other';
export type LocatorKind = 'media_file' | 'web_page' | 'p2p' | 'none';
export type Granularity = 'file' | 'page' | 'site';

export interface SourceRef {
  /** The sending system, e.g. "IWF". Together with `id` the idempotency key. */
  system: string;
  id: string;
}

export interface ReferralSource {
  kind: SourceKind;
  organisation: string;
  country?: string;
}

export type Channel = 'web' | 'email' | 'chat' | 'p2p' | 'other';

export interface Incident {
  type: 'csam' | 'csem';
  priority: Priority;
  threatToLife?: boolean;
  detectionMethod?: string;
  /** No removal is possible (no URL: chat, e-mail, peer-to-peer): for police only. */
  policeOnly?: boolean;
  channels?: Channel[];
  occurredAt?: string;
  /** One referral standing for many incidents of the same material; routed once. */
  batched?: { reason: string; incidentCount?: number };
  /** Other systems' ids for the same report (e.g. an NCMEC report id). */
  externalRefs?: Array<{ system: string; id: string }>;
}

export interface Locator {
  url?: string;
  kind: LocatorKind;
  granularity?: Granularity;
  siteType?: string;
  parentUrl?: string;
  accessPath?: string[];
  observedIps?: string[];
  observedAt?: string;
  thirdPartyHosted?: boolean;
  publiclyAvailable?: boolean;
}

export interface MediaHashes {
  md5?: string;
  sha1?: string;
  sha256?: string;
  /** PDQ perceptual hash, 64 hex characters. */
  pdq?: string;
  /** PhotoDNA, opaque to Wissel. */
  photodna?: string;
}

export interface Media {
  locator?: number;
  mediaType?: 'image' | 'video' | 'other';
  fileName?: string;
  hashes: MediaHashes;
  classification?: { scheme: string; value: string; assessedBy?: string };
  flags?: Record<string, boolean>;
}

export interface IpEvent {
  ip: string;
  event?: string;
  at?: string;
  possibleProxy?: boolean;
}

export interface Account {
  service?: string;
  id?: string;
  screenName?: string;
  email?: string;
}

/** Someone involved: the basis of the investigation jurisdiction. Personal data. */
export interface Person {
  role: 'uploader' | 'account' | 'victim';
  ipEvents?: IpEvent[];
  estimatedCountry?: string;
  accounts?: Account[];
  priorReports?: string[];
}

export interface HostingHints {
  hostingCountry?: string;
  hostingProvider?: string;
  asn?: number;
}

export interface CanonicalReferral {
  schema: typeof REFERRAL_SCHEMA_V1;
  source: ReferralSource;
  sourceRef: SourceRef;
  reportedAt: string;
  /** Routers and hotlines the referral already passed through (loop prevention). */
  via: string[];
  incident: Incident;
  locators: Locator[];
  media: Media[];
  persons: Person[];
  lawEnforcement?: { caseRefs: string[]; countries?: string[] };
  hints?: HostingHints;
}

/** A threat to life always makes a referral urgent, whatever priority the sender gave. */
export function effectivePriority(referral: CanonicalReferral): Priority {
  return referral.incident.threatToLife ? 'urgent' : referral.incident.priority;
}
