/**
 * The ICCAM v3 fields Wissel reads (iccam-report.v3.schema.json), named as ICCAM's API
 * names them and AbuseIO/SCART-application reads them, and the code tables of ICCAM's
 * reference lists (rest/classifications, rest/age-categories, …) that give them meaning.
 */
type Nullable<T> = T | null | undefined;
type Flag = Nullable<0 | 1 | boolean>;

export interface IccamReport {
  reportId: number;
  reportingHotlineId: number;
  hotlineReceivedDate: string;
  hotlineReference?: Nullable<string>;
  referrerUrl?: Nullable<string>;
  sourceUrlSiteType?: Nullable<number>;
  sourceUrlCommerciality?: Nullable<1 | 2 | 3>;
  reportContents: IccamContentItem[];
}

export interface IccamContentItem {
  contentId: number;
  url: {
    urlString: string;
    isSourceUrl?: Nullable<boolean>;
    hostingCountryCode?: Nullable<string>;
    hostingIpAddress?: Nullable<string>;
    hostingIsp?: Nullable<string>;
    hostingOrganization?: Nullable<{
      organizationName?: Nullable<string>;
      autonomousSystemNumber?: Nullable<string | number>;
      isContentDeliveryNetwork?: Nullable<boolean>;
    }>;
  };
  assignedCountryCode?: Nullable<string>;
  countryAssignmentDate?: Nullable<string>;
  contentType?: Nullable<1 | 2>;
  mediaType?: Nullable<'Image' | 'Video' | 'Link' | 'Container' | 'Other' | 'Text'>;
  hashes?: Nullable<{
    md5?: string;
    sha1?: string;
    sha256?: string;
    pdq?: string;
    photoDna?: string;
  }>;
  assessments?: IccamAssessment[];
  actions?: IccamAction[];
}

export interface IccamAssessment {
  classification: 1 | 2 | 3 | 4;
  ageCategorization?: Nullable<1 | 2 | 3 | 4>;
  genderCategorization?: Nullable<1 | 2 | 3 | 4>;
  virtualContentCategorization?: Flag;
  userGeneratedContentCategorization?: Flag;
  childModelingCategorization?: Flag;
  assessmentDate?: Nullable<string>;
}

export interface IccamAction {
  actionType: IccamActionType;
  actionDate?: Nullable<string>;
  reasonId?: Nullable<number>;
  reasonText?: Nullable<string>;
}

/** ICCAM v3 action type ids (SCART's iccam_api_field table, field "action"). */
export const ICCAM_ACTION_TYPES = { MO: 0, LEA: 1, ISP: 2, CR: 3, CU: 4, NI: 6 } as const;
export type IccamActionCode = keyof typeof ICCAM_ACTION_TYPES;
export type IccamActionType = (typeof ICCAM_ACTION_TYPES)[IccamActionCode];

/** Classification ids: Baseline CSAM, National CSAM, Doubtful, Ignore (not illegal). */
export const CLASSIFICATIONS = {
  1: 'baseline',
  2: 'nationally_illegal',
  3: 'doubtful',
  4: 'not_illegal',
} as const;

/** Age categorisation ids; "not categorised" is the canonical unknown. */
export const AGE_GROUPS = { 1: 'unknown', 2: 'infant', 3: 'prepubescent', 4: 'pubescent' } as const;

export const GENDERS = { 1: 'unknown', 2: 'female', 3: 'male', 4: 'both' } as const;

/** Site type ids (rest/site-types) as canonical siteType words. */
export const SITE_TYPES: Readonly<Record<number, string>> = {
  1: 'not_determined',
  2: 'website',
  3: 'file_host',
  4: 'image_store',
  5: 'image_board',
  6: 'forum',
  7: 'banner_site',
  8: 'link_site',
  9: 'social_networking',
  10: 'redirector',
  11: 'web_archive',
  18: 'search_provider',
  20: 'image_host',
  22: 'blog',
  23: 'webpage',
  24: 'not_applicable',
};

/** Action reason ids (rest/action-types reasons) by name; an unknown id keeps its number. */
export const ACTION_REASONS: Readonly<Record<number, string>> = {
  1: 'Other',
  2: 'ContentNotFound',
  3: 'ReferrerNotKnownOrIncorrect',
  4: 'UnableToAccess',
  5: 'PasswordProtected',
  6: 'AccountDisabled',
  7: 'LegallyUnableToAccess',
  8: 'LinkExpired',
  9: 'Error404NotFoundOrSiteDown',
  10: 'Error503OrContentTemporarilyUnavailable',
  11: 'PremiumAccountNecessary',
  12: 'MissingPartsToOpenFile',
  13: 'ContentRemovedBeforeAssessment',
  14: 'AdultPornography',
  15: 'NudismOrNotSexualized',
  16: 'DoesNotMeetThresholdForIllegality',
  17: 'ImagesTooSmall',
  18: 'VirtualMaterial',
  19: 'LinkingOrLinklistsNotIllegal',
  20: 'AgeUnclearOrNotAssessable',
  21: 'AgeOverNationalThreshold',
};
