import { type CanonicalReferral } from './canonical-referral';

/** The partner a referral was read from (its own Kafka topic) and the systems it owns. */
export interface SourceSystemOwner {
  partnerId: string;
  systems: readonly string[];
  /** The recipients the partner declared it is: never sent what it submits. */
  recipients?: readonly string[];
}

export interface SourceSystemRejection {
  code: 'source_system_not_owned';
  field: 'sourceRef.system';
  detail: string;
}

/**
 * A partner may only send referrals under its own source systems (each system belongs to
 * one partner, as over the partner API). Exact match: the systems are identifiers.
 * Undefined when the referral may pass; without an owner (a shared lane, written by the
 * gateway that checked it already) there is nothing to check.
 */
export function checkSourceSystem(
  referral: Pick<CanonicalReferral, 'sourceRef'>,
  owner: SourceSystemOwner | undefined,
): SourceSystemRejection | undefined {
  if (!owner || owner.systems.includes(referral.sourceRef.system)) return undefined;
  return {
    code: 'source_system_not_owned',
    field: 'sourceRef.system',
    detail: `sourceRef.system "${referral.sourceRef.system}" is not one of partner ${owner.partnerId}'s source systems`,
  };
}
