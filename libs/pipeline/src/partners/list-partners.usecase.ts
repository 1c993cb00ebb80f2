import { Injectable } from '@nestjs/common';
import { PartnerRepository, type PartnerKeySummary, type PartnerRow } from '@wissel/persistence';

/** Every partner with its keys, without key material (operators only). */
@Injectable()
export class ListPartnersUseCase {
  constructor(private readonly partners: PartnerRepository) {}

  execute(): Promise<Array<PartnerRow & { keys: PartnerKeySummary[] }>> {
    return this.partners.list();
  }
}
