import { Inject, Injectable, Logger } from '@nestjs/common';
import { ROUTING_RULES } from '@wissel/config';
import { partnerLinkProblems, type RoutingRules } from '@wissel/domain';
import { PartnerRepository, type PartnerRow } from '@wissel/persistence';
import { ConflictError, MalformedRequestError } from './partner-errors';

export interface RegisterPartnerCommand {
  id: string;
  name: string;
  /** The sourceRef.system values the partner submits under. */
  sourceSystems: string[];
  /**
   * The recipients (routing rules ids) this partner is: never sent its own referrals.
   * Required when the partner's id is a recipient's id.
   */
  recipients?: string[];
}

export const PARTNER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
// As sourceRef.system in the canonical referral schema.
const SOURCE_SYSTEM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * Registers a partner (operators only). A source system can belong to one partner only;
 * the recipients it declares must be in the routing rules, and an id that is a recipient's
 * must be declared as that recipient.
 */
@Injectable()
export class RegisterPartnerUseCase {
  private readonly logger = new Logger('partner-admin');

  constructor(
    private readonly partners: PartnerRepository,
    @Inject(ROUTING_RULES) private readonly rules: Pick<RoutingRules, 'recipients'>,
  ) {}

  async execute(command: RegisterPartnerCommand): Promise<PartnerRow> {
    const { id, name, sourceSystems, recipients = [] } = validate(command);
    const [problem] = partnerLinkProblems(id, recipients, this.rules);
    if (problem) {
      throw new MalformedRequestError(problem.code, problem.detail, { field: 'recipients' });
    }
    const result = await this.partners.register({ id, name, sourceSystems, recipients });
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
    this.logger.log({ partnerId: id, recipients }, 'partner registered');
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
  const recipients = command.recipients ?? [];
  if (!Array.isArray(recipients) || recipients.some((r) => typeof r !== 'string' || r === '')) {
    throw invalid('recipients', 'recipients must be a list of recipient ids');
  }
  return {
    id: command.id,
    name,
    sourceSystems: [...new Set(systems)],
    recipients: [...new Set(recipients)],
  };
}
