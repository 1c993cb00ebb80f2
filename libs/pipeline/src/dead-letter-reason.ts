import { type SourceSystemRejection } from '@wissel/domain';
import { type Rejection } from '@wissel/formats';

/**
 * Why a message was dead-lettered: every format rejection (libs/formats) plus the
 * pipeline's own reasons. Codes are stable and documented in docs/dead-letters.md.
 */
export type DeadLetterReason =
  | Rejection
  | SourceSystemRejection
  | { code: 'storage_rejected'; field?: string; detail: string }
  /** A consumer failed on it again and again, alone too (guardAgainstPoison). */
  | { code: 'processing_failed'; detail: string };
