import { HandlePoliceHoldMessagesUseCase } from '../holds/handle-police-hold-messages.usecase';
import { LiftPoliceHoldUseCase } from '../holds/lift-police-hold.usecase';
import { ReleaseExpiredHoldsUseCase } from '../holds/release-expired-holds.usecase';
import { SetPoliceHoldUseCase } from '../holds/set-police-hold.usecase';
import { ConfirmOriginDisclosureUseCase } from '../origins/confirm-origin-disclosure.usecase';
import { DiscloseOriginUseCase } from '../origins/disclose-origin.usecase';
import { WithdrawOriginDisclosureUseCase } from '../origins/withdraw-origin-disclosure.usecase';
import { FindReferralsUseCase } from './find-referrals.usecase';
import { GetDecisionRecordUseCase } from './get-decision-record.usecase';
import { RedecideReferrals } from './redecide-referrals';
import { RoutingFactsGatherer } from './routing-facts-gatherer';

/** Use cases an app calls: the router's holds topic, and the operator API (gateway). */
const useCases = [
  SetPoliceHoldUseCase,
  LiftPoliceHoldUseCase,
  ReleaseExpiredHoldsUseCase,
  HandlePoliceHoldMessagesUseCase,
  DiscloseOriginUseCase,
  WithdrawOriginDisclosureUseCase,
  ConfirmOriginDisclosureUseCase,
  GetDecisionRecordUseCase,
  FindReferralsUseCase,
];

/** Tracing and deciding (W5), in one list so the pipeline module names it once (GeoServices: GeoModule). */
export const JURISDICTION_PROVIDERS = [RoutingFactsGatherer, RedecideReferrals, ...useCases];
export const JURISDICTION_EXPORTS = useCases;
