import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The partner API takes every inbound format: CyberTipline XML and ICCAM reports join
 * canonical and X-ARF submissions, so the format check of partner_submission widens.
 */
export class PartnerSubmissionFormats1764892800000 implements MigrationInterface {
  name = 'PartnerSubmissionFormats1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE partner_submission
        DROP CONSTRAINT partner_submission_format_check,
        ADD CONSTRAINT partner_submission_format_check
          CHECK (format IN ('canonical', 'xarf', 'cybertip', 'iccam'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE partner_submission
        DROP CONSTRAINT partner_submission_format_check,
        ADD CONSTRAINT partner_submission_format_check CHECK (format IN ('canonical', 'xarf'))`);
  }
}
