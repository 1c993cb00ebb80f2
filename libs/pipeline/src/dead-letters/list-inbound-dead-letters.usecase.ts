import { Injectable } from '@nestjs/common';
import { InboundDeadLetterRepository, type InboundDeadLetterView } from '@wissel/persistence';
import { MalformedRequestError } from '../partners/partner-errors';

export const DEAD_LETTERS_MAX_LIMIT = 200;

export interface InboundDeadLetterPage {
  items: InboundDeadLetterView[];
  /** Pass as `before` for the next (older) page; null on the last. */
  nextBefore: string | null;
}

/**
 * Inbound dead letters for operators, newest first, keyset-paged: reason, field, origin,
 * partner and whether replayed — never the bytes.
 */
@Injectable()
export class ListInboundDeadLettersUseCase {
  constructor(private readonly letters: InboundDeadLetterRepository) {}

  async execute(query: {
    limit?: string;
    before?: string;
    replayed?: string;
  }): Promise<InboundDeadLetterPage> {
    const limit = parseLimit(query.limit);
    const rows = await this.letters.list({
      limit: limit + 1,
      before: query.before === undefined ? undefined : decodeBefore(query.before),
      replayed: parseReplayed(query.replayed),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextBefore: rows.length > limit && last ? encodeBefore(last) : null,
    };
  }
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return 50;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > DEAD_LETTERS_MAX_LIMIT) {
    throw new MalformedRequestError(
      'query_invalid',
      `limit must be a whole number from 1 to ${DEAD_LETTERS_MAX_LIMIT}`,
      { field: 'limit' },
    );
  }
  return n;
}

function parseReplayed(replayed: string | undefined): boolean | undefined {
  if (replayed === undefined) return undefined;
  if (replayed === 'true' || replayed === 'false') return replayed === 'true';
  throw new MalformedRequestError('query_invalid', 'replayed must be true or false', {
    field: 'replayed',
  });
}

// Opaque to callers; base64url so it travels in a query string as is.
function encodeBefore(row: InboundDeadLetterView): string {
  const at = new Date(row.deadLetteredAt).toISOString();
  return Buffer.from(`${at}|${row.id}`, 'utf8').toString('base64url');
}

function decodeBefore(before: string): { at: Date; id: string } {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(
    Buffer.from(before, 'base64url').toString('utf8'),
  );
  if (!match) {
    throw new MalformedRequestError('query_invalid', 'before is not one this API gave out', {
      field: 'before',
    });
  }
  return { at: new Date(match[1]!), id: match[2]! };
}
