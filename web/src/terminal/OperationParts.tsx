// Pieces of the operation panels: what is made (title), how (work instructions with images and PDFs), how much
// (good / scrap / remaining in large digits with a progress bar) and how long (cycle time and standard times).
import { useState } from 'react';
import { formatDateTime, formatTime } from '../platform/format.ts';
import { hms, PHASE_LABEL, qty, secondsSince } from './floor.ts';
import type { OperationView } from './types.ts';

export function OperationTitle({ op }: { op: OperationView }) {
  return (
    <div className="t-op-title">
      <div>
        <div className="t-product" data-testid="op-product">
          {op.productName}
        </div>
        <div className="t-sub">
          Order <strong>{op.orderId}</strong> · operation {op.seq} <strong>{op.name}</strong> · {qty(op.quantity)} {op.unit}
          {op.dueAt ? ` · due ${formatDateTime(op.dueAt)}` : ''}
        </div>
      </div>
      <span className={`t-phase t-phase-${op.phase ?? 'none'}`} data-testid="op-phase">
        {op.phase ? PHASE_LABEL[op.phase] : op.status}
        {op.phase === 'paused' && op.pauseReason ? `: ${op.pauseReason}` : ''}
      </span>
    </div>
  );
}

export function Instructions({ op }: { op: OperationView }) {
  const [open, setOpen] = useState<string | null>(null);
  if (!op.instructions && op.attachments.length === 0) return null;
  return (
    <div className="t-instructions" data-testid="instructions">
      <h2>Work instructions</h2>
      {op.instructions && <p className="t-instr-text">{op.instructions}</p>}
      <div className="t-attachments">
        {op.attachments.map((a) =>
          a.contentType.startsWith('image/') ? (
            <figure key={a.id} className="t-figure">
              <img src={a.url} alt={a.name} loading="lazy" />
              <figcaption>{a.name}</figcaption>
            </figure>
          ) : a.contentType === 'application/pdf' ? (
            <div key={a.id} className="t-pdf">
              <button type="button" className="t-btn" onClick={() => setOpen(open === a.id ? null : a.id)}>
                {open === a.id ? 'Hide' : 'Show'} {a.name}
              </button>
              <a className="t-btn" href={a.url} target="_blank" rel="noreferrer">
                Open PDF
              </a>
              {open === a.id && <iframe title={a.name} src={a.url} className="t-pdf-frame" />}
            </div>
          ) : (
            <a key={a.id} className="t-btn" href={a.url} target="_blank" rel="noreferrer">
              {a.name}
            </a>
          ),
        )}
      </div>
    </div>
  );
}

export function Counts({ op }: { op: OperationView }) {
  const pct = op.quantity > 0 ? Math.min(100, (op.good / op.quantity) * 100) : 0;
  return (
    <div className="t-counts-wrap">
      <div className="t-counts">
        <div className="t-count t-count-good">
          <div className="t-count-label">Good</div>
          <div className="t-count-value" data-testid="count-good">
            {qty(op.good)}
          </div>
        </div>
        <div className="t-count t-count-scrap">
          <div className="t-count-label">Scrap</div>
          <div className="t-count-value" data-testid="count-scrap">
            {qty(op.scrap)}
          </div>
        </div>
        <div className="t-count">
          <div className="t-count-label">Remaining</div>
          <div className="t-count-value" data-testid="count-remaining">
            {qty(op.remaining)}
          </div>
        </div>
      </div>
      <div
        className="t-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        aria-label="Good parts of the quantity"
      >
        <div className="t-progress-bar" style={{ width: `${pct}%` }} />
        <span className="t-progress-text">
          {qty(op.good)} of {qty(op.quantity)} {op.unit} ({Math.round(pct)} %)
        </span>
      </div>
    </div>
  );
}

export function Times({ op, now }: { op: OperationView; now: number }) {
  const setupElapsed = op.setupStartedAt ? ((op.startedAt ? Date.parse(op.startedAt) : now) - Date.parse(op.setupStartedAt)) / 1000 : null;
  const runElapsed = secondsSince(op.startedAt, now);
  const cycle = op.machine?.cycleTimeS ?? null;
  const ideal = op.standard.idealCycleTimeS;
  const slow = cycle !== null && ideal !== null && cycle > ideal * 1.05;
  return (
    <div className="t-times">
      <div className="t-time">
        <div className="t-count-label">Cycle time</div>
        <div className={`t-time-value${slow ? ' t-slow' : ''}`} data-testid="cycle-time">
          {cycle === null ? '–' : `${qty(cycle)} s`}
        </div>
        <div className="t-sub">ideal {ideal === null ? '–' : `${qty(ideal)} s`}</div>
      </div>
      <div className="t-time">
        <div className="t-count-label">Setup</div>
        <div className={`t-time-value${setupElapsed !== null && setupElapsed > op.standard.setupTimeS && op.standard.setupTimeS > 0 ? ' t-slow' : ''}`}>
          {hms(setupElapsed)}
        </div>
        <div className="t-sub">standard {hms(op.standard.setupTimeS)}</div>
      </div>
      <div className="t-time">
        <div className="t-count-label">Production</div>
        <div className={`t-time-value${runElapsed !== null && runElapsed > op.standard.runTimeS && op.standard.runTimeS > 0 ? ' t-slow' : ''}`}>
          {hms(runElapsed)}
        </div>
        <div className="t-sub">standard {hms(op.standard.runTimeS)}</div>
      </div>
    </div>
  );
}

/** "The machine is down": shown while a running operation's machine is stopped or silent, with the downtime. */
export function Interrupted({ op }: { op: OperationView }) {
  if (!op.interrupted) return null;
  const last = op.downtime?.stops[op.downtime.stops.length - 1];
  return (
    <div className="t-interrupted" role="alert" data-testid="interrupted">
      <strong>Interrupted: the machine is {op.machine?.bucket === 'unknown' ? 'not reporting' : `down (${op.machine?.state ?? 'stopped'})`}</strong>
      <div>
        Downtime during this operation: {hms(op.downtime?.seconds ?? 0)}
        {last ? ` · current stop since ${formatTime(last.start)}` : ''}
      </div>
    </div>
  );
}
