-- Quality: gauges with their calibration, and operator qualification (issue #15; docs/quality.md "Gauges and
-- calibration", "Operator qualification").
CREATE TABLE quality_gauges (
  id               text PRIMARY KEY,
  name             text NOT NULL,
  type             text,
  location         text,
  interval_days    integer NOT NULL CHECK (interval_days BETWEEN 1 AND 3660),
  -- the last passing calibration and the day the next one is due (last + interval); null: never calibrated
  last_calibrated  date,
  due_on           date,
  -- the result of the newest calibration: a 'fail' takes the gauge out of use until one passes
  last_result      text CHECK (last_result IN ('pass', 'fail')),
  status           text NOT NULL DEFAULT 'in-service' CHECK (status IN ('in-service', 'out-of-service')),
  -- a manual measurement with this gauge while overdue, failed or out of service: refused, or stored with a flag
  on_overdue       text NOT NULL DEFAULT 'refuse' CHECK (on_overdue IN ('refuse', 'flag')),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE quality_calibrations (
  id             bigserial PRIMARY KEY,
  gauge          text NOT NULL REFERENCES quality_gauges(id) ON DELETE CASCADE,
  calibrated_on  date NOT NULL,
  result         text NOT NULL CHECK (result IN ('pass', 'fail')),
  calibrated_by  text NOT NULL,
  certificate    text,
  recorded_by    text NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quality_calibrations_gauge_idx ON quality_calibrations (gauge, calibrated_on);

-- 'gauge-overdue': taken with a gauge that was overdue, failed or out of service when it arrived
ALTER TABLE quality_measurements ADD COLUMN flag text;

CREATE TABLE quality_skills (
  code             text PRIMARY KEY,
  name             text NOT NULL,
  -- how long a training keeps the skill; null: it does not expire
  validity_months  integer CHECK (validity_months BETWEEN 1 AND 600),
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A training record: a person (users.username) holds a skill from granted_on until the day before expires_on.
CREATE TABLE quality_trainings (
  id           bigserial PRIMARY KEY,
  username     text NOT NULL,
  skill        text NOT NULL REFERENCES quality_skills(code),
  granted_on   date NOT NULL,
  expires_on   date,
  trainer      text NOT NULL,
  evidence     text,
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_on IS NULL OR expires_on > granted_on)
);
CREATE INDEX quality_trainings_person_idx ON quality_trainings (username, skill);

-- What needs a skill: a machine or work centre (equipment path; everything below it too), a routing step
-- (product + operation seq) or a characteristic.
CREATE TABLE quality_skill_requirements (
  id          bigserial PRIMARY KEY,
  skill       text NOT NULL REFERENCES quality_skills(code),
  kind        text NOT NULL CHECK (kind IN ('equipment', 'operation', 'characteristic')),
  target      text NOT NULL,
  -- operation: the routing step's seq of the product named in target
  seq         integer,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'operation') = (seq IS NOT NULL))
);
CREATE UNIQUE INDEX quality_skill_requirements_once ON quality_skill_requirements (skill, kind, target, coalesce(seq, 0));
