/**
 * What-if (W5): the tally of deciding stored referrals again under a candidate rule set.
 * Pure, so the command that feeds it (scripts/what-if.ts) only reads rows and prints.
 * Examples carry referral ids only: a what-if report is shared with people who may not
 * see reported URLs.
 */

/** The part of a decision a what-if compares. */
export interface DecisionOutcome {
  rule: string;
  recipients: readonly string[];
}

export interface RecipientShift {
  recipient: string;
  /** Referrals that go to this recipient under the rules in force. */
  current: number;
  /** Referrals that would go to it under the candidate rules. */
  candidate: number;
  delta: number;
}

/** One kind of change, e.g. "de-hotline" → "intl-police", with how often and examples. */
export interface RouteChange {
  from: readonly string[];
  to: readonly string[];
  count: number;
  examples: string[];
}

export interface WhatIfReport {
  referrals: number;
  /** Referrals whose recipients would change. */
  changed: number;
  /** Referrals whose recipients stay but whose deciding rule would change. */
  ruleChanged: number;
  /** Every recipient seen on either side, most affected first. */
  recipients: RecipientShift[];
  /** Most frequent first. */
  changes: RouteChange[];
  /** The rule-set versions the stored decisions were made under, with counts. */
  currentVersions: Record<string, number>;
}

const sorted = (recipients: readonly string[]) => [...new Set(recipients)].sort();

export class WhatIfTally {
  private referrals = 0;
  private changed = 0;
  private ruleChanged = 0;
  private readonly current = new Map<string, number>();
  private readonly candidate = new Map<string, number>();
  private readonly changes = new Map<string, RouteChange>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly examplesPerChange = 3) {}

  add(
    referralId: string,
    current: DecisionOutcome & { rulesetVersion: string },
    candidate: DecisionOutcome,
  ): void {
    this.referrals += 1;
    this.versions.set(current.rulesetVersion, (this.versions.get(current.rulesetVersion) ?? 0) + 1);
    const from = sorted(current.recipients);
    const to = sorted(candidate.recipients);
    for (const id of from) this.current.set(id, (this.current.get(id) ?? 0) + 1);
    for (const id of to) this.candidate.set(id, (this.candidate.get(id) ?? 0) + 1);

    const key = `${from.join('+')}>${to.join('+')}`;
    if (from.join('+') === to.join('+')) {
      if (current.rule !== candidate.rule) this.ruleChanged += 1;
      return;
    }
    this.changed += 1;
    const change = this.changes.get(key) ?? { from, to, count: 0, examples: [] };
    change.count += 1;
    if (change.examples.length < this.examplesPerChange) change.examples.push(referralId);
    this.changes.set(key, change);
  }

  report(): WhatIfReport {
    const ids = new Set([...this.current.keys(), ...this.candidate.keys()]);
    const recipients = [...ids]
      .map((recipient) => {
        const current = this.current.get(recipient) ?? 0;
        const candidate = this.candidate.get(recipient) ?? 0;
        return { recipient, current, candidate, delta: candidate - current };
      })
      .sort(
        (a, b) =>
          Math.abs(b.delta) - Math.abs(a.delta) ||
          b.current - a.current ||
          a.recipient.localeCompare(b.recipient),
      );
    return {
      referrals: this.referrals,
      changed: this.changed,
      ruleChanged: this.ruleChanged,
      recipients,
      changes: [...this.changes.values()].sort((a, b) => b.count - a.count),
      currentVersions: Object.fromEntries(this.versions),
    };
  }
}
