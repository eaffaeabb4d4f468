import { index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const signatures = pgTable(
  'signatures',
  {
    id: uuid('id').primaryKey(),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    action: text('action'),
    meaning: text('meaning').notNull(),
    signerId: uuid('signer_id').notNull(),
    signerUsername: text('signer_username').notNull(),
    signerName: text('signer_name').notNull(),
    signerRoles: text('signer_roles').array().notNull(),
    method: text('method').notNull(),
    sessionId: uuid('session_id'),
    reason: text('reason'),
    recordHash: text('record_hash').notNull(),
    recordJson: text('record_json').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('signatures_record_idx').on(t.recordType, t.recordId, t.signedAt)],
);

export const signaturePolicy = pgTable('signature_policy', {
  action: text('action').primaryKey(),
  signatures: smallint('signatures').notNull(),
  roles: text('roles').array().notNull().default([]),
  meaning: text('meaning'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
