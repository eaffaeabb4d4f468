-- The audit trail's anchor outside the database (issue #11 item 11, src/platform/audit/anchor.ts): a keyed HMAC per
-- row, with a key the database never sees, so a row rewritten with recomputed hashes is detected. NULL for rows written
-- before this migration; the first signed checkpoint vouches for those (docs/security/h-audit.md).
-- ALTER TABLE fires no row trigger: the append-only triggers stay as they are.
ALTER TABLE audit_log ADD COLUMN hmac text;
