import { type EncryptionContext } from '@wissel/crypto';

/** Where a batch body is sealed: bound to its evidence row, so a copy elsewhere does not open. */
export function evidenceBodyContext(evidenceId: string): EncryptionContext {
  return { table: 'inbound_evidence', column: 'sealed_body', rowId: evidenceId };
}
