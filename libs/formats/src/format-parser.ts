import { type CanonicalReferral } from '@wissel/domain';
import { type ParseResult } from './rejection';

/** The inbound formats, each with its own topic and parser. */
export type InboundFormat = 'canonical' | 'cybertip' | 'xarf' | 'iccam';

/**
 * Bytes in, canonical referral or typed rejection out. Never throws, whatever the input
 * (property-tested for every parser).
 */
export type FormatParser = (
  payload: Buffer | null,
  maxBytes: number,
) => ParseResult<CanonicalReferral>;
