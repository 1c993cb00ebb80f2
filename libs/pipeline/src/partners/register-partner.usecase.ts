import { Injectable, Logger } from '@nestjs/common';
import { PartnerRepository, type PartnerRow } from '@wissel/persistence';
import { ConflictError, MalformedRequestError } from './partner-errors';

export interface RegisterPartnerCommand {
  id: string;
  name: string;
  /** The sourceRef.system values the partner submits under. */
  sourceSystems: string[];
}

export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
// As sourceRef.system in the canonical referral schema.
const SOURCE_SYSTEM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Registers a partner (operators only). A source system can belong to one partner only. */
@Injectable()
export class RegisterPartnerUseCase {
  private readonly logger = new Logger('partner-admin');

  constructor(private readonly partners: PartnerRepository) {}

  async execute(command: RegisterPartnerCommand): Promise<PartnerRow> {
    const { id, name, sourceSystems } = validate(command);
    const result = await this.partners.register({ id, name, sourceSystems });
    if (result.outcome === 'id_taken') {
      throw new ConflictError('partner_exists', `a partner "${id}" is already registered`, {
        field: 'id',
      });
    }
    if (result.outcome === 'source_systems_taken') {
      const list = result.taken.map((t) => `${t.system} (${t.partnerId})`).join(', ');
      throw new ConflictError(
        'source_system_taken',
        `source systems already belong to another partner: ${list}`,
        { field: 'sourceSystems' },
      );
    }
    this.logger.log({ partnerId: id }, 'partner registered');
    return result.partner;
  }
}

function validate(command: RegisterPartnerCommand): RegisterPartnerCommand {
  const invalid = (field: string, detail: string) =>
    new MalformedRequestError('partner_invalid', detail, { field });
  if (typeof command.id !== 'string' || !PARTNER_ID_PATTERN.test(command.id)) {
    throw invalid('id', 'id must be 1–63 lower-case letters, digits, ".", "_" or "-"');
  }
  const name = typeof command.name === 'string' ? command.name.trim() : '';
  if (name.length === 0 || name.length > 200) {
    throw invalid('name', 'name must be 1–200 characters');
  }
  const systems = command.sourceSystems;
  if (
    !Array.isArray(systems) ||
    systems.length === 0 ||
    systems.some((s) => typeof s !== 'string' || !SOURCE_SYSTEM_PATTERN.test(s))
  ) {
    throw invalid(
      'sourceSystems',
      'sourceSystems must be a non-empty list of sourceRef.system names (letters, digits, "._:-")',
    );
  }
  return { id: command.id, name, sourceSystems: [...new Set(systems)] };
}
