import { Injectable } from '@nestjs/common';
import { PartnerSubmissionRepository } from '@wissel/persistence';
import { MalformedRequestError } from './partner-errors';
import { toSubmissionStatus, type SubmissionStatus } from './submission-status';

export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 200;

export interface ListSubmissionsQuery {
  /** RFC 3339 time with a zone: only referrals received at or after it. */
  since?: string;
  /** From the previous page's nextCursor. */
  cursor?: string;
  limit?: string;
}

export interface SubmissionPage {
  items: SubmissionStatus[];
  /** Pass as `cursor` (with the same `since`) for the next page; null on the last one. */
  nextCursor: string | null;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A partner's own submissions, oldest first, keyset-paged on the submission's sequence
 * number: a page never skips or repeats a row that was there when the first page was read.
 */
@Injectable()
export class ListSubmissionsUseCase {
  constructor(private readonly submissions: PartnerSubmissionRepository) {}

  async execute(partnerId: string, query: ListSubmissionsQuery): Promise<SubmissionPage> {
    const since = parseSince(query.since);
    const limit = parseLimit(query.limit);
    const afterSeq = query.cursor === undefined ? '0' : decodeCursor(query.cursor);
    // One more than asked: tells whether there is a next page without a count.
    const rows = await this.submissions.listForPartner(partnerId, {
      since,
      afterSeq,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toSubmissionStatus),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    };
  }
}

function parseSince(since: string | undefined): Date {
  if (since === undefined) return new Date(0);
  const at = new Date(since);
  if (!RFC3339.test(since) || Number.isNaN(at.getTime())) {
    throw new MalformedRequestError(
      'query_invalid',
      'since must be an RFC 3339 date-time with a time zone, e.g. 2026-11-20T00:00:00Z',
      { field: 'since' },
    );
  }
  return at;
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return LIST_DEFAULT_LIMIT;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > LIST_MAX_LIMIT) {
    throw new MalformedRequestError(
      'query_invalid',
      `limit must be a whole number from 1 to ${LIST_MAX_LIMIT}`,
      { field: 'limit' },
    );
  }
  return n;
}

// Opaque to partners; base64url so it travels in a query string as is.
export function encodeCursor(seq: string): string {
  return Buffer.from(`s:${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const match = /^s:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new MalformedRequestError('query_invalid', 'cursor is not one this API gave out', {
      field: 'cursor',
    });
  }
  return match[1]!;
}
