import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@wissel/domain';
import { PoliceHoldRepository, type PoliceHoldRow } from '@wissel/persistence';
import { holdValue, PoliceHoldInvalidError } from './police-hold';

export interface SetPoliceHoldCommand {
  /** Given by the sender for an idempotent retry (a topic message); else a new one. */
  id?: string;
  kind: string;
  /** A URL, a domain (suffix), `kind:hash`, or an AS number. */
  value: string;
  reason?: string;
  /** The police's own case reference. */
  reference?: string;
  /** The officer or system that set it. */
  setBy: string;
  expiresAt: Date;
}

/**
 * Sets a police deconfliction hold. From then on, until it is lifted or expires, a new
 * referral it matches goes to the police only and its notice-and-takedown waits.
 */
@Injectable()
export class SetPoliceHoldUseCase {
  private readonly logger = new Logger('holds');

  constructor(private readonly holds: PoliceHoldRepository) {}

  async execute(command: SetPoliceHoldCommand, now = new Date()): Promise<PoliceHoldRow> {
    const { kind, value } = holdValue(command.kind, command.value);
    if (command.id !== undefined && !isUuid(command.id)) {
      throw new PoliceHoldInvalidError('id', 'id must be a UUID');
    }
    if (!command.setBy.trim()) throw new PoliceHoldInvalidError('setBy', 'setBy is required');
    if (Number.isNaN(command.expiresAt.getTime()) || command.expiresAt <= now) {
      throw new PoliceHoldInvalidError('expiresAt', 'expiresAt must be a time in the future');
    }
    const id = command.id ?? randomUUID();
    const hold =
      (await this.holds.insert({
        id,
        kind,
        value,
        reason: command.reason,
        reference: command.reference,
        setBy: command.setBy.trim(),
        expiresAt: command.expiresAt,
      })) ?? (await this.holds.find(id));
    // The value is a reported domain or URL key: only the id and kind at info level.
    this.logger.log({ holdId: hold!.id, kind }, 'police hold set');
    return hold!;
  }
}
