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

/** One referral of the batch to attach: its id and its exact dedup keys. */
export interface ClaimRequest {
  referralId: string;
  keys: Omit<CaseKeys, 'pdqCaseIds'>;
}

interface DedupClaim {
  kind: DedupKind;
  key: string;
}

interface CaseFacts {
  status: 'open' | 'removed';
  /** created_at in microseconds since the epoch (exact, as the database orders by it). */
  createdUs: bigint;
}

interface KeyOwner {
  /** The case the key belongs to as this batch goes on. */
  caseId: string;
  /** The case the row names in the database now (what a reassignment compares against). */
  stored: string;
}

interface ExistingClaim extends DedupClaim {
  case_id: string;
  status: 'open' | 'removed';
  createdUs: bigint;
}

const CREATED_US = `(extract(epoch FROM created_at) * 1000000)::bigint::text`;

/**
 * Attaches the referrals of one intake batch to cases, inside the intake transaction, in
 * a few statements per batch rather than several per referral (W9).
 *
 * The claim stays atomic: every dedup key the batch wants is inserted with ON CONFLICT DO
 * NOTHING under a fresh candidate case of the first referral (in batch order) that wants
 * it, in one statement ordered by key (so two transactions never wait on each other in a
 * cycle). A key already claimed by another transaction is only seen after that one
 * commits, so two routers racing on the same material end up with one case — never
 * check-then-set. Then `attach` takes the referrals one by one, in batch order, exactly as
 * if each had claimed its keys alone: a later referral sees the keys of an earlier one
 * (and the cases it joined) and joins that case. The rows this changes (keys moved to the
 * case joined, candidate cases not needed, re-upload links, case sources) are written by
 * `finish`, one statement each.
 */
export class CaseClaims {
  private readonly owners = new Map<string, KeyOwner>();
  private readonly cases = new Map<string, CaseFacts>();
  private readonly unused: string[] = [];
  private readonly previous: Array<{ id: string; previousCaseId: string }> = [];
  private readonly sources: Array<{
    referralId: string;
    caseId: string;
    layer: CaseLayer;
    matches: CaseMatch[];
  }> = [];

  private constructor(
    private readonly manager: EntityManager,
    private readonly requests: Map<
      string,
      { candidate: string; wanted: DedupClaim[]; urlKeys: string[] }
    >,
    /** Keys this batch inserted, with the referral whose candidate holds them. */
    private readonly claimedBy: Map<string, string>,
  ) {}

  /** Inserts the candidate cases and the batch's claims, and reads the keys others hold. */
  static async claim(manager: EntityManager, batch: ClaimRequest[]): Promise<CaseClaims> {
    const requests = new Map(
      batch.map(({ referralId, keys }) => [
        referralId,
        {
          candidate: randomUUID(),
          urlKeys: keys.urlKeys,
          wanted: uniqueSorted([
            ...keys.urlKeys.map((key) => ({ kind: 'url' as const, key })),
            ...keys.hashes,
          ]),
        },
      ]),
    );
    const claims = new CaseClaims(manager, requests, new Map());
    if (requests.size === 0) return claims;
    const candidates = [...requests.values()].map((r) => r.candidate);
    const created: Array<{ created_us: string }> = await manager.query(
      `INSERT INTO "case" (id) SELECT unnest($1::uuid[]) RETURNING ${CREATED_US} AS created_us`,
      [candidates],
    );
    const createdUs = BigInt(created[0]!.created_us);
    for (const id of candidates) claims.cases.set(id, { status: 'open', createdUs });

    // Each key goes under the candidate of the first referral that wants it.
    const first = new Map<string, { claim: DedupClaim; referralId: string; candidate: string }>();
    for (const [referralId, { candidate, wanted }] of requests) {
      for (const claim of wanted) {
        if (!first.has(id(claim))) first.set(id(claim), { claim, referralId, candidate });
      }
    }
    const rows = [...first.values()];
    const inserted: DedupClaim[] = rows.length
      ? await manager.query(
          `INSERT INTO dedup_key (kind, key, case_id)
           SELECT k.kind, k.key, k.case_id
             FROM unnest($1::text[], $2::text[], $3::uuid[]) AS k(kind, key, case_id)
            ORDER BY k.kind, k.key
           ON CONFLICT DO NOTHING
           RETURNING kind, key`,
          [
            rows.map((r) => r.claim.kind),
            rows.map((r) => r.claim.key),
            rows.map((r) => r.candidate),
          ],
        )
      : [];
    for (const claim of inserted) {
      const row = first.get(id(claim))!;
      claims.claimedBy.set(id(claim), row.referralId);
      claims.owners.set(id(claim), { caseId: row.candidate, stored: row.candidate });
    }
    const taken = rows.filter((r) => !claims.claimedBy.has(id(r.claim))).map((r) => r.claim);
    if (taken.length > 0) {
      const existing: Array<
        DedupClaim & { case_id: string; status: CaseFacts['status']; created_us: string }
      > = await manager.query(
        `SELECT d.kind, d.key, d.case_id, c.status, ${CREATED_US.replace('created_at', 'c.created_at')} AS created_us
             FROM dedup_key d JOIN "case" c ON c.id = d.case_id
            WHERE (d.kind, d.key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [taken.map((k) => k.kind), taken.map((k) => k.key)],
      );
      for (const row of existing) {
        claims.owners.set(id(row), { caseId: row.case_id, stored: row.case_id });
        claims.cases.set(row.case_id, { status: row.status, createdUs: BigInt(row.created_us) });
      }
    }
    return claims;
  }

  /**
   * The case one referral joins; call in batch order (a later referral sees what an
   * earlier one claimed and joined). `pdqCaseIds`: cases holding a near-duplicate.
   */
  async attach(referralId: string, pdqCaseIds: string[]): Promise<CaseAttachment> {
    const request = this.requests.get(referralId);
    if (!request) throw new Error(`referral ${referralId} was not part of the claim`);
    const { candidate, wanted, urlKeys } = request;
    const existing: ExistingClaim[] = [];
    for (const claim of wanted) {
      const owner = this.owners.get(id(claim));
      if (!owner || this.claimedBy.get(id(claim)) === referralId) continue;
      existing.push({ ...claim, case_id: owner.caseId, ...this.cases.get(owner.caseId)! });
    }
    existing.sort(byAge);

    const open = existing.filter((e) => e.status === 'open');
    const removed = existing.filter((e) => e.status === 'removed');
    const pdqOpen = await this.openCases(pdqCaseIds);

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
      for (const claim of wanted) {
        const owner = this.owners.get(id(claim));
        if (owner?.caseId === candidate) owner.caseId = target;
      }
      this.unused.push(candidate);
    }
    // Keys of a removed case now belong to the new incident, so later reports of the
    // re-uploaded material join it. Compare-and-set on write: a racing re-upload keeps the winner's.
    let previousCaseId: string | undefined;
    if (removed.length > 0) {
      previousCaseId = removed[0]!.case_id;
      for (const r of removed) {
        const owner = this.owners.get(id(r))!;
        if (owner.caseId === r.case_id) owner.caseId = target;
      }
      if (target === candidate) this.previous.push({ id: candidate, previousCaseId });
    }

    const matches: CaseMatch[] = [
      ...existing.map((e) => ({ kind: e.kind, key: e.key, caseId: e.case_id })),
      ...pdqOpen.map((caseId) => ({ kind: 'pdq' as const, caseId })),
    ];
    this.sources.push({ referralId, caseId: target, layer, matches });
    // A URL is new to the case unless the case already held it (an open URL match).
    const heldUrls = new Set(
      open.filter((e) => e.kind === 'url' && e.case_id === target).map((e) => e.key),
    );
    return {
      caseId: target,
      layer,
      matches,
      ...(previousCaseId ? { previousCaseId } : {}),
      newUrlKeys: [...new Set(urlKeys)].filter((k) => !heldUrls.has(k)),
    };
  }

  /** Writes what the attachments changed: moved keys, unused candidates, links, sources. */
  async finish(): Promise<void> {
    const moved = [...this.owners].filter(([, o]) => o.caseId !== o.stored);
    if (moved.length > 0) {
      const claims = moved.map(([key]) => parseId(key));
      await this.manager.query(
        `UPDATE dedup_key d SET case_id = u.case_id
           FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[]) AS u(kind, key, stored, case_id)
          WHERE d.kind = u.kind AND d.key = u.key AND d.case_id = u.stored`,
        [
          claims.map((c) => c.kind),
          claims.map((c) => c.key),
          moved.map(([, o]) => o.stored),
          moved.map(([, o]) => o.caseId),
        ],
      );
    }
    if (this.unused.length > 0) {
      await this.manager.query(`DELETE FROM "case" WHERE id = ANY($1::uuid[])`, [this.unused]);
    }
    if (this.previous.length > 0) {
      await this.manager.query(
        `UPDATE "case" c SET previous_case_id = u.previous
           FROM unnest($1::uuid[], $2::uuid[]) AS u(id, previous) WHERE c.id = u.id`,
        [this.previous.map((p) => p.id), this.previous.map((p) => p.previousCaseId)],
      );
    }
    if (this.sources.length > 0) {
      await this.manager.query(
        `INSERT INTO case_source (referral_id, case_id, layer, matches)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[])`,
        [
          this.sources.map((s) => s.referralId),
          this.sources.map((s) => s.caseId),
          this.sources.map((s) => s.layer),
          this.sources.map((s) => JSON.stringify(s.matches)),
        ],
      );
    }
  }

  /** The open ones of these cases, oldest first; read once per case per batch. */
  private async openCases(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const unknown = ids.filter((caseId) => !this.cases.has(caseId));
    if (unknown.length > 0) {
      const rows: Array<{ id: string; status: CaseFacts['status']; created_us: string }> =
        await this.manager.query(
          `SELECT id, status, ${CREATED_US} AS created_us FROM "case" WHERE id = ANY($1::uuid[])`,
          [unknown],
        );
      for (const row of rows) {
        this.cases.set(row.id, { status: row.status, createdUs: BigInt(row.created_us) });
      }
    }
    return [...new Set(ids)]
      .flatMap((caseId) => {
        const facts = this.cases.get(caseId);
        return facts?.status === 'open' ? [{ case_id: caseId, createdUs: facts.createdUs }] : [];
      })
      .sort(byAge)
      .map((c) => c.case_id);
  }
}

/** Oldest case first, then by case id (uuids order as their lower-case text does). */
function byAge(
  a: { createdUs: bigint; case_id: string },
  b: { createdUs: bigint; case_id: string },
) {
  if (a.createdUs !== b.createdUs) return a.createdUs < b.createdUs ? -1 : 1;
  return a.case_id < b.case_id ? -1 : a.case_id > b.case_id ? 1 : 0;
}

const id = (k: { kind: string; key: string }) => `${k.kind}:${k.key}`;

function parseId(value: string): DedupClaim {
  const at = value.indexOf(':');
  return { kind: value.slice(0, at) as DedupKind, key: value.slice(at + 1) };
}

function uniqueSorted<T extends { kind: string; key: string }>(keys: T[]): T[] {
  const byId = new Map(keys.map((k) => [id(k), k]));
  return [...byId.values()].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}
