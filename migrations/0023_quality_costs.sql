-- Quality KPIs (issue #15): what a scrapped or reworked unit of a product costs, so the cost of poor quality can be
-- stated where it is known (docs/quality.md, "Quality KPIs"). A product without a row has no COPQ (null, not 0).
CREATE TABLE quality_costs (
  -- the product (or material) code the plant model knows
  product       text PRIMARY KEY,
  -- cost of one scrapped unit (material and work up to scrapping)
  unit_cost     double precision NOT NULL CHECK (unit_cost >= 0),
  -- cost of reworking one unit; null: rework is not costed
  rework_cost   double precision CHECK (rework_cost >= 0),
  -- ISO 4217 code, e.g. EUR
  currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  updated_by    text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
