import {
  contextFromEvidence,
  decide,
  factsFromEvidence,
  submitterFromEvidence,
  WhatIfTally,
  type RoutingRules,
  type WhatIfReport,
} from '@wissel/domain';
import { type DecidedReferralPageOptions, type DecidedReferralReader } from '@wissel/persistence';
import { type PersonalDataSealer } from '../data-protection/personal-data-sealer';

export interface WhatIfOptions extends DecidedReferralPageOptions {
  /** Example referral ids kept per kind of change. */
  examplesPerChange?: number;
}

/**
 * Decides stored referrals again under a candidate rule set and tallies what would change.
 * It re-uses each decision's recorded facts (traces, holds, disclosures, case context), so
 * no DNS query is made and the only difference is the rules. Nothing is written.
 */
export class WhatIfUseCase {
  constructor(
    private readonly reader: DecidedReferralReader,
    /** Opens the sealed persons (they count for the investigation jurisdiction). */
    private readonly sealer: PersonalDataSealer,
  ) {}

  async execute(candidate: RoutingRules, options: WhatIfOptions = {}): Promise<WhatIfReport> {
    const tally = new WhatIfTally(options.examplesPerChange);
    for await (const stored of this.reader.all(options)) {
      const { evidence } = stored.decision;
      const referral = this.sealer.openReferral(
        stored.referralId,
        stored.canonical,
        stored.personalData,
      );
      const next = decide(
        referral,
        candidate,
        contextFromEvidence(evidence),
        factsFromEvidence(evidence, referral),
        submitterFromEvidence(evidence),
      );
      tally.add(stored.referralId, stored.decision, next);
    }
    return tally.report();
  }
}
