import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the current work is done for, so that the state changes an operator request or a CLI
 * command makes are attributed to that operator without threading an actor through every
 * use case. Outside such a scope the actor is Wissel itself ('system').
 */
const actors = new AsyncLocalStorage<string>();

export const SYSTEM_ACTOR = 'system';

export function runAsAuditActor<T>(actor: string, work: () => T): T {
  return actors.run(actor, work);
}

export function currentAuditActor(): string {
  return actors.getStore() ?? SYSTEM_ACTOR;
}
