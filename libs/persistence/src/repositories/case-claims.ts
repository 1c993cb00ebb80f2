import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';

export type DedupKind = 'url' | 'md5' | 'sha1' | 'sha256' | 'photodna';
export type CaseLayer = 'new' | 'url' | 'media_hash' | 'pdq' | 'reupload';

export interface CaseKeys {
  /** URL keys (SHA-256 of the canonical URL) of the referral's locators. */
  urlKeys: string[];
  /** Exact media hashes. */
  hashes: Array<{ kind: Exclude<DedupKind, 'url'>; key: string }>;
  /** Open cases holding a PDQ near-duplicate of one of the referral's media. */
  pdqCaseIds: string[];
}

export interface CaseMatch {
  kind: DedupKind | 'pdq';
  key?: string;
  caseId: string;
}

export interface CaseAttachment {
  caseId: string;
  layer: CaseLayer;
  matches: CaseMatch[];
  /** Set when this referral re-reports material whose earlier case was removed. */
  previousCaseId?: string;
  /** URL keys this referral brought to its case for the first time: what still needs removal. */
  newUrlKeys: string[];
}

interface ExistingClaim {
  kind: DedupKind;
  key: string;
  case_id: string;
  status: 'open' | 'removed';
  created_at: Date;
}

/**
 * Attaches one referral to a case, inside the intake transaction. The claim is atomic:
 * every dedup key is inserted with ON CONFLICT DO NOTHING under a fresh candidate case,
 * in a fixed order (so two transactions never wait on each other in a cycle). A key that
 * was already claimed by another transaction is only seen after that one commits, so two
 * routers racing on the same material end up with one case — never check-then-set.
 */
export async function attachToCase(
  manager: EntityManager,
  referralId: string,
  keys: CaseKeys,
): Promise<CaseAttachment> {
  const candidate = randomUUID();
  await manager.query(`INSERT INTO "case" (id) VALUES ($1)`, [candidate]);

  const wanted = uniqueSorted([
    ...keys.urlKeys.map((key) => ({ kind: 'url' as const, key })),
    ...keys.hashes,
  ]);
  const claimed: Array<{ kind: DedupKind; key: string }> = wanted.length
    ? await manager.query(
        `INSERT INTO dedup_key (kind, key, case_id)
         SELECT k.kind, k.key, $2 FROM jsonb_to_recordset($1::jsonb) AS k(kind text, key text)
          ORDER BY k.kind, k.key
         ON CONFLICT DO NOTHING
         RETURNING kind, key`,
        [JSON.stringify(wanted), candidate],
      )
    : [];
  const mine = new Set(claimed.map(id));
  const taken = wanted.filter((k) => !mine.has(id(k)));
  const existing: ExistingClaim[] = taken.length
    ? await manager.query(
        `SELECT d.kind, d.key, d.case_id, c.status, c.created_at
           FROM dedup_key d JOIN "case" c ON c.id = d.case_id
          WHERE (d.kind, d.key) IN (SELECT k.kind, k.key FROM jsonb_to_recordset($1::jsonb) AS k(kind text, key text))
          ORDER BY c.created_at, d.case_id`,
        [JSON.stringify(taken)],
      )
    : [];

  const open = existing.filter((e) => e.status === 'open');
  const removed = existing.filter((e) => e.status === 'removed');
  const pdqOpen = await openCases(manager, keys.pdqCaseIds);

  // Which case the referral joins: an exact match on an open case first (URL before
  // hash), then a perceptual match; otherwise its own new case.
  const urlMatch = open.find((e) => e.kind === 'url');
  const target = urlMatch?.case_id ?? open[0]?.case_id ?? pdqOpen[0] ?? candidate;
  const layer: CaseLayer = urlMatch
    ? 'url'
    : open.length
      ? 'media_hash'
      : pdqOpen.length
        ? 'pdq'
        : removed.length
          ? 'reupload'
          : 'new';

  if (target !== candidate) {
    await manager.query(`UPDATE dedup_key SET case_id = $1 WHERE case_id = $2`, [
      target,
      candidate,
    ]);
    await manager.query(`DELETE FROM "case" WHERE id = $1`, [candidate]);
  }
  // Keys of a removed case now belong to the new incident, so later reports of the
  // re-uploaded material join it. Compare-and-set: a racing re-upload keeps the winner's.
  let previousCaseId: string | undefined;
  if (removed.length > 0) {
    previousCaseId = removed[0]!.case_id;
    await manager.query(
      `UPDATE dedup_key SET case_id = $1
        WHERE (kind, key, case_id) IN (SELECT k.kind, k.key, k.case_id::uuid
                                         FROM jsonb_to_recordset($2::jsonb) AS k(kind text, key text, case_id text))`,
      [
        target,
        JSON.stringify(removed.map((r) => ({ kind: r.kind, key: r.key, case_id: r.case_id }))),
      ],
    );
    if (target === candidate) {
      await manager.query(`UPDATE "case" SET previous_case_id = $1 WHERE id = $2`, [
        previousCaseId,
        candidate,
      ]);
    }
  }

  const matches: CaseMatch[] = [
    ...existing.map((e) => ({ kind: e.kind, key: e.key, caseId: e.case_id })),
    ...pdqOpen.map((caseId) => ({ kind: 'pdq' as const, caseId })),
  ];
  await manager.query(
    `INSERT INTO case_source (referral_id, case_id, layer, matches) VALUES ($1, $2, $3, $4)`,
    [referralId, target, layer, JSON.stringify(matches)],
  );
  // A URL is new to the case unless the case already held it (an open URL match).
  const heldUrls = new Set(
    open.filter((e) => e.kind === 'url' && e.case_id === target).map((e) => e.key),
  );
  return {
    caseId: target,
    layer,
    matches,
    ...(previousCaseId ? { previousCaseId } : {}),
    newUrlKeys: [...new Set(keys.urlKeys)].filter((k) => !heldUrls.has(k)),
  };
}

async function openCases(manager: EntityManager, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT id FROM "case" WHERE id = ANY($1::uuid[]) AND status = 'open' ORDER BY created_at, id`,
    [ids],
  );
  return rows.map((r) => r.id);
}

const id = (k: { kind: string; key: string }) => `${k.kind}:${k.key}`;

function uniqueSorted<T extends { kind: string; key: string }>(keys: T[]): T[] {
  const byId = new Map(keys.map((k) => [id(k), k]));
  return [...byId.values()].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}
