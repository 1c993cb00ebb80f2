import { newDispatch } from '@wissel/domain';
import {
  type DispatchLifecycleRepository,
  type DispatchRecord,
  type LifecycleTx,
} from '@wissel/persistence';
import { dispatchHoster, type DispatchRoute } from './dispatch-hosting';

/**
 * A dispatch's state row, locked in `tx`: the existing one, or a new one (status
 * `dispatched`) started from its outbox row, with the hoster its notice is about. State rows
 * exist from the first thing that happens to a dispatch (an ack, an escalation). The outbox
 * row is read in `tx`, share-locked: one the retention purge deletes meanwhile starts no
 * lifecycle (undefined, as for a dispatch never sent).
 */
export async function lockOrCreateDispatchState(
  repository: DispatchLifecycleRepository,
  tx: LifecycleTx,
  dispatchId: string,
): Promise<DispatchRecord | undefined> {
  const locked = await tx.lock(dispatchId);
  if (locked) return locked;
  const dispatch = await tx.outboxDispatch(dispatchId);
  if (!dispatch) return undefined;
  const decision = dispatch.payload.decision as { id: string; routes: DispatchRoute[] };
  const evidence = (await repository.decisionEvidence(decision.id)) ?? {};
  return tx.createAndLock({
    state: newDispatch({
      dispatchId,
      caseId: dispatch.caseId,
      referralId: dispatch.referralId,
      recipient: dispatch.recipient,
      dispatchedAt: new Date(dispatch.dispatchedAt),
    }),
    ...dispatchHoster(evidence, decision.routes ?? []),
  });
}
