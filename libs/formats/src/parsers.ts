import { parseCanonicalReferral } from './canonical/parse-canonical';
import { parseCyberTipReferral } from './cybertip/parse-cybertip';
import { type FormatParser, type InboundFormat } from './format-parser';
import { parseIccamReport } from './iccam/parse-iccam';
import { parseXarfReport } from './xarf/parse-xarf';

/** The parser of each inbound format. */
export const PARSERS: Record<InboundFormat, FormatParser> = {
  canonical: parseCanonicalReferral,
  cybertip: parseCyberTipReferral,
  xarf: parseXarfReport,
  iccam: parseIccamReport,
};
