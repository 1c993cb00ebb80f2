import { Injectable } from '@nestjs/common';
import { mediaHashKeys, type CanonicalReferral, type CaseContext } from '@wissel/domain';
import { KnownHashRepository } from '@wissel/persistence';

export type MediaKnowledge = Pick<CaseContext, 'knownMedia' | 'unknownMedia'>;

/** Marks each media item of each referral as known (on a hash list) or not. */
@Injectable()
export class KnownMaterial {
  constructor(private readonly lists: KnownHashRepository) {}

  /** One lookup for a whole intake batch. */
  async classify(referrals: CanonicalReferral[]): Promise<MediaKnowledge[]> {
    const perMedia = referrals.map((r) =>
      r.media.map((m) => mediaHashKeys(m.hashes).map(({ kind, key }) => ({ kind, hash: key }))),
    );
    const known = await this.lists.known(perMedia.flat(2));
    return perMedia.map((media) => {
      const result: MediaKnowledge = { knownMedia: [], unknownMedia: [] };
      media.forEach((hashes, index) =>
        (hashes.some((h) => known.has(`${h.kind}:${h.hash}`))
          ? result.knownMedia
          : result.unknownMedia
        ).push(index),
      );
      return result;
    });
  }
}
