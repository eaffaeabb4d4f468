-- Quality checks (issue #15): each characteristic's sampling plan (structured; the free-text `sampling` of 0018 stays
-- as a note beside it), and the last check of a characteristic at each station with the part count and lot it was
-- taken at, from which the checks due are computed (docs/quality.md "Sampling and checks due").
CREATE TABLE quality_sampling_plans (
  characteristic  text PRIMARY KEY REFERENCES quality_characteristics(id) ON DELETE CASCADE,
  -- {kind: parts|time|first-piece|lot, sampleSize, everyParts|everyMinutes, graceParts|graceMinutes}
  plan            jsonb NOT NULL,
  updated_by      text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE quality_check_marks (
  characteristic  text NOT NULL REFERENCES quality_characteristics(id) ON DELETE CASCADE,
  -- the station (equipment id) where the check was measured
  equipment_id    text NOT NULL,
  -- the operation running there when it was measured (null: none ran)
  order_id        text,
  seq             integer,
  -- that operation's parts (good + scrap) when it was measured
  parts           double precision NOT NULL DEFAULT 0,
  lot             text,
  at              timestamptz NOT NULL DEFAULT now(),
  measurement_id  bigint,
  PRIMARY KEY (characteristic, equipment_id)
);

-- Defect codes are ONE catalogue: execution's scrap reasons (0007 `reason_codes`, kind 'scrap'), which the terminal
-- offers for scrap and quality reads (and its editors extend) through execution's port. A category groups them for
-- the Pareto; the codes 0007 seeded get theirs here.
ALTER TABLE reason_codes ADD COLUMN category text;
UPDATE reason_codes SET category = CASE code
    WHEN 'short-shot' THEN 'moulding' WHEN 'flash' THEN 'moulding' WHEN 'sink-marks' THEN 'moulding'
    WHEN 'contamination' THEN 'material' WHEN 'dimension' THEN 'dimension' WHEN 'setup-parts' THEN 'setup'
    WHEN 'damaged' THEN 'handling' ELSE 'other' END
  WHERE kind = 'scrap';

-- An attribute measurement's breakdown by defect code, {code: count} (docs/quality.md "Defect codes"); null: none given.
ALTER TABLE quality_measurements ADD COLUMN defect_codes jsonb;
