/**
 * The fields of an X-ARF v4 content report (type csam or csem) that Wissel reads, once the
 * official schemas (./schemas) and Wissel's bounds (./xarf-limits.schema.json) have passed
 * it. Everything else stays in the stored raw payload.
 */
export type XarfHashes = Partial<Record<'md5' | 'sha1' | 'sha256' | 'pdq' | 'photodna', string>>;

export interface XarfParty {
  org: string;
  contact: string;
  domain: string;
}

export interface XarfEvidenceItem {
  content_type: string;
  payload: string;
  description?: string;
  hash?: string;
  size?: number;
}

export interface XarfContentReport {
  xarf_version: string;
  report_id: string;
  timestamp: string;
  reporter: XarfParty;
  sender: XarfParty;
  source_identifier: string;
  source_port?: number;
  category: 'content';
  type: 'csam' | 'csem';
  url: string;
  domain?: string;
  hosting_provider?: string;
  asn?: number;
  country_code?: string;
  dns_records?: { a?: string[]; aaaa?: string[] };
  verified_at?: string;
  evidence_source?: string;
  evidence?: XarfEvidenceItem[];
  tags?: string[];
  confidence?: number;
  classification?: 'baseline' | 'A1' | 'A2' | 'B1' | 'B2';
  media_type?: 'image' | 'video' | 'audio' | 'text' | 'mixed';
  detection_method: string;
  hash_values?: XarfHashes;
  file_hash?: string | XarfHashes;
  ncmec_report_id?: string;
  content_removed?: boolean;
  account_suspended?: boolean;
  exploitation_type?: string;
  victim_age_range?: 'infant' | 'toddler' | 'prepubescent' | 'pubescent' | 'unknown';
  platform?: string;
  reporting_obligations?: string[];
  perpetrator_indicators?: { account_id?: string; ip_addresses?: string[] };
}
