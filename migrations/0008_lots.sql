-- Materials and genealogy: material lots (received from suppliers or made by Takt), what each order consumed from
-- them, and the produced-from edges that make forward and backward trace possible (ISA-95 material lot / material
-- sublot, B2MML MaterialLot; the edges are the "material actual" of a segment response turned into a graph).

CREATE TABLE material_lots (
  -- natural key: the supplier's or the plant's lot number as printed on the label
  id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:/#-]{1,100}$'),
  material_id      text NOT NULL REFERENCES materials(id) ON DELETE RESTRICT,
  quantity         double precision NOT NULL CHECK (quantity >= 0 AND quantity <= initial_quantity),
  initial_quantity double precision NOT NULL CHECK (initial_quantity > 0 AND initial_quantity <= 1e9),
  unit             text NOT NULL,
  status           text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'on_hold', 'consumed', 'scrapped')),
  hold_reason      text,
  location         text,
  supplier         text,
  supplier_lot     text,
  -- set when Takt made the lot: which order/operation, on which machine, by whom, with which parameters
  order_id         text,
  seq              integer,
  equipment        text,
  operator         text,
  parameters       jsonb,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- optimistic concurrency for the UI; the ledger itself locks the row (SELECT … FOR UPDATE)
  row_version      integer NOT NULL DEFAULT 1
);
-- FIFO backflush: the oldest available lot of a material first
CREATE INDEX material_lots_fifo_idx ON material_lots (material_id, created_at, id) WHERE status = 'available';
CREATE INDEX material_lots_material_idx ON material_lots (material_id, status);
-- recall: every lot that came in under one supplier lot number
CREATE INDEX material_lots_supplier_lot_idx ON material_lots (supplier_lot) WHERE supplier_lot IS NOT NULL;
CREATE INDEX material_lots_order_idx ON material_lots (order_id, seq) WHERE order_id IS NOT NULL;

-- Every booking of material from a lot against an operation (scanned at the terminal or backflushed from the BOM).
CREATE TABLE lot_consumptions (
  id         bigserial PRIMARY KEY,
  lot_id     text NOT NULL REFERENCES material_lots(id) ON DELETE RESTRICT,
  order_id   text NOT NULL,
  seq        integer NOT NULL,
  quantity   double precision NOT NULL CHECK (quantity > 0 AND quantity <= 1e9),
  unit       text NOT NULL,
  method     text NOT NULL CHECK (method IN ('scan', 'backflush')),
  actor      text NOT NULL,
  equipment  text,
  at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (order_id, seq) REFERENCES order_operations(order_id, seq) ON DELETE RESTRICT
);
CREATE INDEX lot_consumptions_order_idx ON lot_consumptions (order_id, seq, id);
CREATE INDEX lot_consumptions_lot_idx ON lot_consumptions (lot_id);

-- Genealogy: child was made from parent (quantity of the parent that went into the child). The primary key serves
-- the backward trace (child → parents), the second index the forward trace (parent → children).
CREATE TABLE lot_genealogy (
  child_lot  text NOT NULL REFERENCES material_lots(id) ON DELETE RESTRICT,
  parent_lot text NOT NULL REFERENCES material_lots(id) ON DELETE RESTRICT,
  quantity   double precision NOT NULL CHECK (quantity >= 0),
  -- INCLUDE (quantity): the trace reads edges from the index alone (index-only scans)
  PRIMARY KEY (child_lot, parent_lot) INCLUDE (quantity),
  CHECK (child_lot <> parent_lot)
);
CREATE INDEX lot_genealogy_parent_idx ON lot_genealogy (parent_lot, child_lot) INCLUDE (quantity);

-- numbers for lots Takt names itself (L-000001 …) when the receiver or the terminal gives none
CREATE SEQUENCE material_lot_number_seq;
