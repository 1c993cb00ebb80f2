import { isIP } from 'node:net';
import {
  REFERRAL_SCHEMA,
  toCountry,
  type CanonicalReferral,
  type Classification,
  type Locator,
  type LocatorAction,
  type LocatorActionKind,
  type LocatorHints,
  type Media,
  type MediaHashes,
  type MediaType,
} from '@wissel/domain';
import {
  ACTION_REASONS,
  AGE_GROUPS,
  CLASSIFICATIONS,
  GENDERS,
  SITE_TYPES,
  type IccamAction,
  type IccamAssessment,
  type IccamContentItem,
  type IccamReport,
} from './iccam-report';

const ACTIONS: Record<IccamAction['actionType'], LocatorActionKind> = {
  0: 'moved',
  1: 'referred_to_police',
  2: 'notice_sent',
  3: 'removed',
  4: 'unavailable',
  6: 'not_illegal',
};

const MEDIA_TYPES: Record<NonNullable<IccamContentItem['mediaType']>, MediaType> = {
  Image: 'image',
  Video: 'video',
  Link: 'link',
  Container: 'container',
  Other: 'other',
  Text: 'text',
};

/**
 * An ICCAM v3 report (already valid against iccam-report.v3.schema.json) as a canonical
 * referral: one locator per content item with ICCAM's own hosting trace as hints, one
 * media item per item that was assessed or hashed.
 */
export function iccamToCanonical(report: IccamReport): CanonicalReferral {
  const hotline = `ICCAM hotline ${report.reportingHotlineId}`;
  const items = report.reportContents;
  const source = items.find((i) => i.url.isSourceUrl === true);
  const locators = items.map((item) =>
    locatorOf(item, item === source ? report : undefined, source),
  );
  const media = items.flatMap((item, index) => mediaOf(item, index, hotline));
  const policeInformed = items.some((i) => (i.actions ?? []).some((a) => a.actionType === 1));
  const commerciality = report.sourceUrlCommerciality;
  const tags = commerciality === 2 ? ['commercial'] : commerciality === 3 ? ['non_commercial'] : [];
  return {
    schema: REFERRAL_SCHEMA,
    source: { kind: 'hotline', organisation: hotline },
    // ICCAM's report ids are unique across the network: a report resent (with more
    // actions, say) is the same referral.
    sourceRef: { system: 'ICCAM', id: String(report.reportId) },
    reportedAt: report.hotlineReceivedDate,
    via: [],
    incident: {
      type: 'csam',
      priority: 'normal',
      channels: ['web'],
      policeOnly: false,
      ...(report.hotlineReference
        ? { externalRefs: [{ system: hotline, id: report.hotlineReference }] }
        : {}),
      ...(policeInformed ? { reportedTo: ['law_enforcement'] } : {}),
      ...(tags.length ? { tags } : {}),
    },
    locators,
    media,
    persons: [],
  };
}

function locatorOf(
  item: IccamContentItem,
  report: IccamReport | undefined,
  source: IccamContentItem | undefined,
): Locator {
  const page = report !== undefined || item.contentType === 2;
  const ip = item.url.hostingIpAddress;
  const siteType = report?.sourceUrlSiteType;
  const actions = (item.actions ?? []).map(actionOf);
  const hints = hintsOf(item);
  const parent = source && source !== item ? source.url.urlString : undefined;
  return {
    url: item.url.urlString,
    kind: page ? 'web_page' : 'media_file',
    granularity: page ? 'page' : 'file',
    ...(siteType !== null && siteType !== undefined ? { siteType: SITE_TYPES[siteType] } : {}),
    ...(parent ? { parentUrl: parent } : {}),
    ...(report?.referrerUrl ? { accessPath: [report.referrerUrl] } : {}),
    // ICCAM's own trace of where the URL is hosted: never a perpetrator's address.
    ...(ip && isIP(ip) ? { observedIps: [ip] } : {}),
    ...(Object.keys(hints).length ? { hints } : {}),
    ...(actions.some((a) => a.action === 'removed' || a.action === 'unavailable')
      ? { contentRemoved: true }
      : {}),
    ...(actions.length ? { actions } : {}),
  };
}

function hintsOf(item: IccamContentItem): LocatorHints {
  const org = item.url.hostingOrganization ?? {};
  const hostingCountry = toCountry(item.url.hostingCountryCode);
  const assignedCountry = toCountry(item.assignedCountryCode);
  const provider = org.organizationName ?? item.url.hostingIsp;
  const asn = asnOf(org.autonomousSystemNumber);
  return {
    ...(hostingCountry ? { hostingCountry } : {}),
    ...(provider ? { hostingProvider: provider } : {}),
    ...(asn !== undefined ? { asn } : {}),
    ...(typeof org.isContentDeliveryNetwork === 'boolean'
      ? { behindCdn: org.isContentDeliveryNetwork }
      : {}),
    ...(assignedCountry ? { assignedCountry } : {}),
  };
}

/** "AS64500", "64500" or 64500; anything beyond 32 bits is no ASN and is dropped. */
function asnOf(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value.replace(/^as/i, ''));
  return Number.isSafeInteger(n) && n >= 0 && n <= 4_294_967_295 ? n : undefined;
}

function actionOf(a: IccamAction): LocatorAction {
  const reason =
    (typeof a.reasonId === 'number' ? ACTION_REASONS[a.reasonId] : undefined) ?? a.reasonText;
  return {
    action: ACTIONS[a.actionType],
    ...(a.actionDate ? { at: a.actionDate } : {}),
    ...(reason ? { reason } : {}),
  };
}

function mediaOf(item: IccamContentItem, locator: number, hotline: string): Media[] {
  const hashes = hashesOf(item.hashes ?? {});
  // The last assessment is the one in force (INHOPE's rule, as SCART applies it).
  const history = (item.assessments ?? []).map((a) => classificationOf(a, hotline));
  const classification = history.pop();
  if (!classification && Object.keys(hashes).length === 0) return [];
  return [
    {
      locator,
      ...(item.mediaType ? { mediaType: MEDIA_TYPES[item.mediaType] } : {}),
      hashes,
      ...(classification ? { classification } : {}),
      ...(history.length ? { assessments: history } : {}),
    },
  ];
}

function hashesOf(h: NonNullable<IccamContentItem['hashes']>): MediaHashes {
  return {
    ...(h.md5 ? { md5: h.md5.toLowerCase() } : {}),
    ...(h.sha1 ? { sha1: h.sha1.toLowerCase() } : {}),
    ...(h.sha256 ? { sha256: h.sha256.toLowerCase() } : {}),
    ...(h.pdq ? { pdq: h.pdq.toLowerCase() } : {}),
    ...(h.photoDna ? { photodna: h.photoDna } : {}),
  };
}

function classificationOf(a: IccamAssessment, hotline: string): Classification {
  return {
    scheme: 'interpol-baseline',
    value: CLASSIFICATIONS[a.classification],
    assessedBy: hotline,
    ...(a.assessmentDate ? { assessedAt: a.assessmentDate } : {}),
    ...(a.ageCategorization ? { ageGroup: AGE_GROUPS[a.ageCategorization] } : {}),
    ...(a.genderCategorization ? { gender: GENDERS[a.genderCategorization] } : {}),
  };
}
