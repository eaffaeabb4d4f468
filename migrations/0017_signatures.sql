-- Electronic signatures (21 CFR Part 11 / EU Annex 11; src/platform/signatures, docs/signatures.md): who signed which
-- version of which record, meaning what, and which actions need how many signatures.

-- One row per signature, never changed or removed (11.70: a signature cannot be excised or copied to another record).
-- record_json is the exact canonical JSON the person signed and record_hash its SHA-256; a changed record shows up as a
-- hash that no longer matches. Each row is also in the audit trail (entity 'signature'), which verification compares.
CREATE TABLE signatures (
  id              uuid PRIMARY KEY,
  record_type     text NOT NULL CHECK (record_type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  record_id       text NOT NULL CHECK (length(record_id) BETWEEN 1 AND 200),
  -- the policy action the signature is given for (lot.release, ncr.close …); null: a signature of the record alone
  action          text CHECK (action ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  meaning         text NOT NULL CHECK (meaning IN ('review', 'approval', 'responsibility', 'authorship')),
  signer_id       uuid NOT NULL REFERENCES users(id),
  signer_username text NOT NULL,
  -- the printed name (11.50(a)(1)) as it was when signing
  signer_name     text NOT NULL,
  signer_roles    text[] NOT NULL,
  -- how the person re-authenticated: username + password, badge + PIN, or (later in one session) password or PIN alone
  method          text NOT NULL CHECK (method IN ('password', 'badge', 'session_password', 'session_pin')),
  -- the signer's own session, when they signed in it (the continuous-session rule of 11.200(a)(1)(i))
  session_id      uuid,
  reason          text,
  record_hash     text NOT NULL CHECK (record_hash ~ '^[0-9a-f]{64}$'),
  record_json     text NOT NULL,
  signed_at       timestamptz NOT NULL
);
CREATE INDEX signatures_record_idx ON signatures (record_type, record_id, signed_at);
CREATE INDEX signatures_session_idx ON signatures (session_id, signer_id) WHERE session_id IS NOT NULL;

CREATE FUNCTION takt_signatures_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'signatures are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER signatures_no_update BEFORE UPDATE OR DELETE ON signatures
  FOR EACH ROW EXECUTE FUNCTION takt_signatures_refuse_change();
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures
  FOR EACH STATEMENT EXECUTE FUNCTION takt_signatures_refuse_change();

-- Which actions need one or two signatures; an action without a row needs none. roles: the signer must hold one of
-- them (empty: any person); meaning: the signature must carry it (null: any).
CREATE TABLE signature_policy (
  action     text PRIMARY KEY CHECK (action ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  signatures smallint NOT NULL CHECK (signatures IN (1, 2)),
  roles      text[] NOT NULL DEFAULT '{}',
  meaning    text CHECK (meaning IN ('review', 'approval', 'responsibility', 'authorship')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The starting policy of issue #15; an admin changes it with PUT /api/signatures/policy.
INSERT INTO signature_policy (action, signatures, roles, meaning) VALUES
  ('lot.release', 1, '{quality}', 'approval'),
  ('ncr.close', 1, '{quality}', 'approval'),
  ('spc.limits.change', 1, '{quality}', 'approval'),
  ('recipe.change', 2, '{supervisor,quality}', 'approval');
