/**
 * The canonical referral: the one shape every inbound format is mapped onto. Version 2
 * adds what real partners' formats carry (ICCAM, X-ARF v4, NCMEC's report): per-locator
 * hosting hints, a classification without a hash, more content types, victims' age, the
 * actions already taken. Version 1 documents are still accepted and read as version 2
 * (every v1 document is a valid v2 document once its `schema` is changed). The JSON
 * Schemas in libs/formats are the source of truth for validation; these types mirror
 * them for the code. Unknown inbound fields are not modelled here: they stay in the raw
 * payload that is stored beside the canonical form.
 */
export const REFERRAL_SCHEMA_V1 = 'wissel.referral/1';
export const REFERRAL_SCHEMA_V2 = 'wissel.referral/2';
/** The version every referral is held in once parsed, whatever version it came in. */
export const REFERRAL_SCHEMA = REFERRAL_SCHEMA_V2;

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
  /** How reliable the sender's evidence is, in its words, e.g. crawler, user_report (X-ARF `evidence_source`). */
  evidenceSource?: string;
  /** No removal is possible (no URL: chat, e-mail, peer-to-peer): for police only. */
  policeOnly?: boolean;
  channels?: Channel[];
  occurredAt?: string;
  /** One referral standing for many incidents of the same material; routed once. */
  batched?: { reason: string; incidentCount?: number };
  /** Other systems' ids for the same report (e.g. an NCMEC report id). */
  externalRefs?: Array<{ system: string; id: string }>;
  /** What kind of exploitation (X-ARF csem `exploitation_type`, NCMEC's incident type). */
  exploitationType?: string;
  /** Where it happened, e.g. social_media, messaging_app (X-ARF csem `platform`). */
  platform?: string;
  /** Whom the sender has reported it to, or must (X-ARF `reporting_obligations`). */
  reportedTo?: string[];
  /** The service already suspended the accounts involved. */
  accountSuspended?: boolean;
  /** The sender's confidence in its own report, 0 to 1. */
  confidence?: number;
  /** Free labels from the sender (X-ARF `tags`, NCMEC's report annotations). */
  tags?: string[];
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
  /** What the sender believes about this locator's hosting (v2): evidence, never the decision. */
  hints?: LocatorHints;
  /** The sender says the content is already gone (X-ARF `content_removed`, ICCAM CR/CU). */
  contentRemoved?: boolean;
  /** What the sender or others already did about this locator, oldest first (ICCAM actions). */
  actions?: LocatorAction[];
}

/** Per-locator hosting hints, as ICCAM gives them per URL. */
export interface LocatorHints extends HostingHints {
  /** The sender saw the host behind a CDN or reverse proxy. */
  behindCdn?: boolean;
  /** The country the sender's network assigned the item to (ICCAM's assigned country). */
  assignedCountry?: string;
}

export const LOCATOR_ACTIONS = [
  'referred_to_police',
  'notice_sent',
  'removed',
  'unavailable',
  'moved',
  'not_illegal',
  'other',
] as const;
export type LocatorActionKind = (typeof LOCATOR_ACTIONS)[number];

export interface LocatorAction {
  action: LocatorActionKind;
  at?: string;
  /** The sender's reason code or words, e.g. an ICCAM action reason. */
  reason?: string;
  /** Who acted: a hotline, a country, an organisation. */
  by?: string;
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

export type MediaType = 'image' | 'video' | 'audio' | 'text' | 'container' | 'link' | 'other';

/** One assessment of a media item (interpol-baseline or the industry scale), with who and when. */
export interface Classification {
  scheme: string;
  value: string;
  assessedBy?: string;
  assessedAt?: string;
  /** The youngest victim's age group as assessed: infant, toddler, prepubescent, pubescent, unknown. */
  ageGroup?: string;
  /** female, male, both, unknown. */
  gender?: string;
}

export interface Media {
  locator?: number;
  mediaType?: MediaType;
  fileName?: string;
  /**
   * The hashes; `{}` when a v2 item carries only a classification (an ICCAM verdict on an
   * item nobody hashed). A v1 item always has at least one.
   */
  hashes: MediaHashes;
  /** The assessment in force. */
  classification?: Classification;
  /** Earlier assessments, oldest first (ICCAM's assessment history). */
  assessments?: Classification[];
  flags?: Record<string, boolean>;
}

export interface IpEvent {
  ip: string;
  event?: string;
  at?: string;
  possibleProxy?: boolean;
  /** The source port: behind carrier-grade NAT the address alone names no subscriber. */
  port?: number;
}

export interface Account {
  service?: string;
  id?: string;
  screenName?: string;
  email?: string;
  /** A display name other than the screen name (NCMEC's displayName). */
  displayName?: string;
  /**
   * The account's profile pages as the sender gave them: investigation facts, never removal
   * targets, never fetched (NCMEC's profileUrl).
   */
  profileUrls?: string[];
}

/** A device identifier captured by the service (NCMEC's deviceId), e.g. IMEI, IDFA. */
export interface DeviceId {
  type: string;
  value: string;
  event?: string;
  at?: string;
}

/** Someone involved: the basis of the investigation jurisdiction. Personal data. */
export interface Person {
  role: 'uploader' | 'account' | 'victim';
  /** A victim's estimated age range: infant, toddler, prepubescent, pubescent, unknown. */
  ageRange?: string;
  ipEvents?: IpEvent[];
  estimatedCountry?: string;
  accounts?: Account[];
  /** Device identifiers the service captured for this person. */
  devices?: DeviceId[];
  priorReports?: string[];
}

export interface HostingHints {
  hostingCountry?: string;
  hostingProvider?: string;
  asn?: number;
}

export interface CanonicalReferral {
  schema: typeof REFERRAL_SCHEMA;
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
