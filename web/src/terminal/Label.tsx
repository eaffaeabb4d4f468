// What a completion made, and its printable label: lot id, material, quantity, unit, order, date and the lot id as a
// Code 128 barcode (SVG, scales to any printer). Without a produced lot (the lots module is not installed, or this was
// not the order's last operation) the label is a move ticket for the order's operation.
import { barsB } from './code128.ts';
import { formatDateTime } from '../platform/format.ts';
import { qty } from './floor.ts';
import type { CompleteResult } from './types.ts';

export function Barcode({ value, height = 60 }: { value: string; height?: number }) {
  let code: ReturnType<typeof barsB>;
  try {
    code = barsB(value);
  } catch {
    return <div className="t-error">{value} cannot be printed as a barcode</div>;
  }
  return (
    <svg
      className="t-barcode"
      viewBox={`0 0 ${code.width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Barcode ${value}`}
      data-testid="barcode"
      shapeRendering="crispEdges"
    >
      <rect width={code.width} height={height} fill="#fff" />
      {code.bars.map((b) => (
        <rect key={b.x} x={b.x} y={0} width={b.w} height={height} fill="#000" />
      ))}
    </svg>
  );
}

export interface LabelData {
  title: string;
  id: string;
  material: string;
  quantity: number;
  unit: string;
  order: string;
  date: string;
}

export function labelOf(r: CompleteResult): LabelData {
  const op = r.operation;
  if (r.produced)
    return {
      title: 'Lot',
      id: r.produced.lotId,
      material: r.produced.materialId,
      quantity: r.produced.quantity,
      unit: r.produced.unit,
      order: `${op.orderId} / ${op.seq}`,
      date: r.produced.at,
    };
  return {
    title: 'Move ticket',
    id: `${op.orderId}/${op.seq}`,
    material: op.productName,
    quantity: r.good,
    unit: op.unit,
    order: `${op.orderId} / ${op.seq} ${op.name}`,
    date: op.completedAt ?? new Date().toISOString(),
  };
}

export function LotLabel({ label }: { label: LabelData }) {
  return (
    <div className="t-label" data-testid="label">
      <div className="t-label-title">{label.title}</div>
      <div className="t-label-id" data-testid="label-id">
        {label.id}
      </div>
      <Barcode value={label.id} />
      <dl className="t-label-fields">
        <dt>Material</dt>
        <dd>{label.material}</dd>
        <dt>Quantity</dt>
        <dd>
          {qty(label.quantity)} {label.unit}
        </dd>
        <dt>Order</dt>
        <dd>{label.order}</dd>
        <dt>Date</dt>
        <dd>{formatDateTime(label.date)}</dd>
      </dl>
    </div>
  );
}

export function CompletedPanel({ result, station, onClose }: { result: CompleteResult; station: string; onClose(): void }) {
  const label = labelOf(result);
  const op = result.operation;
  return (
    <section className="t-panel t-completed" data-testid="completed">
      <h2>
        Completed: order {op.orderId} / {op.seq} {op.name}
      </h2>
      <p className="t-lead">
        <strong>{qty(result.good)}</strong> good, <strong>{qty(result.scrap)}</strong> scrap at {station}.
        {result.produced ? ` Lot ${result.produced.lotId} was created.` : ' No lot was created for this operation.'}
        {result.backflushed.length
          ? ` Material booked automatically: ${result.backflushed.map((b) => `${qty(b.quantity)} ${b.unit} ${b.materialId} (lot ${b.lotId})`).join(', ')}.`
          : ''}
        {result.orderCompleted ? ' The order is complete.' : ''}
      </p>
      <LotLabel label={label} />
      <div className="t-actions">
        <button type="button" className="t-btn t-btn-primary" onClick={() => window.print()}>
          Print label
        </button>
        <button type="button" className="t-btn" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}
