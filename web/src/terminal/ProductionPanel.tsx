// Production of the current operation: live counts, times, interruption, instructions, materials with the lot scan,
// and the operator's actions (count, scrap, pause / resume, complete).
import { useRef, useState } from 'react';
import { errorMessage } from '../platform/api.ts';
import { CompleteDialog, CountDialog, PauseDialog, ScrapDialog } from './dialogs.tsx';
import { opApi, qty, useReasons } from './floor.ts';
import { Counts, Instructions, Interrupted, OperationTitle, Times } from './OperationParts.tsx';
import type { CompleteResult, OperationView } from './types.ts';

type Dialog = 'count' | 'scrap' | 'pause' | 'complete' | null;

export function ProductionPanel({
  op,
  hasCounter,
  busy,
  now,
  act,
  post,
  onCompleted,
}: {
  op: OperationView;
  hasCounter: boolean;
  busy: string | null;
  now: number;
  act<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  post<T>(path: string, body?: unknown): Promise<T>;
  onCompleted(r: CompleteResult): void;
}) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const scrapReasons = useReasons('scrap');
  const scrapLabel = (code: string) => scrapReasons.find((r) => r.code === code)?.label ?? code;
  const paused = op.phase === 'paused';
  const close = () => setDialog(null);
  /** Dialog actions throw to the dialog (which shows the message), then the station reloads. */
  const call = async <T,>(path: string, body?: unknown) => {
    const out = await post<T>(path, body);
    await act('reload', async () => undefined);
    return out;
  };

  return (
    <section className={`t-panel${paused ? ' t-paused' : ''}`} data-testid="production-panel">
      <OperationTitle op={op} />
      <Interrupted op={op} />
      <Counts op={op} />
      <Times op={op} now={now} />
      {op.counts.scrapByReason.length > 0 && (
        <div className="t-sub" data-testid="scrap-reasons">
          Scrap by reason: {op.counts.scrapByReason.map((r) => `${scrapLabel(r.reason)} ${qty(r.quantity)}`).join(' · ')}
        </div>
      )}
      <div className="t-actions t-actions-main">
        <button type="button" className={`t-btn${hasCounter ? '' : ' t-btn-primary t-btn-big'}`} disabled={busy !== null} onClick={() => setDialog('count')}>
          Count good
        </button>
        <button type="button" className="t-btn t-btn-danger" disabled={busy !== null} onClick={() => setDialog('scrap')}>
          Scrap
        </button>
        {paused ? (
          <button
            type="button"
            className="t-btn t-btn-go"
            disabled={busy !== null}
            onClick={() => void act('resume', () => post(opApi(op.orderId, op.seq, 'resume')))}
          >
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        ) : (
          <button type="button" className="t-btn" disabled={busy !== null} onClick={() => setDialog('pause')}>
            Pause
          </button>
        )}
        <button type="button" className="t-btn t-btn-complete" disabled={busy !== null} onClick={() => setDialog('complete')}>
          Complete
        </button>
      </div>
      {!hasCounter && <p className="t-sub">This machine has no part counter: count the good parts here.</p>}
      <Materials op={op} busy={busy} act={act} post={post} />
      <Instructions op={op} />
      {dialog === 'count' && (
        <CountDialog op={op} onClose={close} onCount={(quantity) => call(opApi(op.orderId, op.seq, 'quantities'), { kind: 'good', quantity })} />
      )}
      {dialog === 'scrap' && (
        <ScrapDialog
          op={op}
          onClose={close}
          onScrap={(reason, quantity, fromGood) => call(opApi(op.orderId, op.seq, 'quantities'), { kind: 'scrap', quantity, reason, fromGood })}
        />
      )}
      {dialog === 'pause' && <PauseDialog onClose={close} onPause={(reason) => call(opApi(op.orderId, op.seq, 'pause'), { reason })} />}
      {dialog === 'complete' && (
        <CompleteDialog
          op={op}
          onClose={close}
          onComplete={async (lotId) => {
            const r = await call<CompleteResult>(opApi(op.orderId, op.seq, 'complete'), lotId ? { lotId } : {});
            onCompleted(r);
          }}
        />
      )}
    </section>
  );
}

/** What the operation consumes per unit and so far, and the lot scan (a scanner types the lot id and Enter). */
function Materials({
  op,
  busy,
  act,
  post,
}: {
  op: OperationView;
  busy: string | null;
  act<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  post<T>(path: string, body?: unknown): Promise<T>;
}) {
  const [lot, setLot] = useState('');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [booked, setBooked] = useState<string | null>(null);
  const lotRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const consumed = op.materials.filter((m) => m.use === 'consumed');
  if (consumed.length === 0) return null;
  const scan = async () => {
    const n = Number(amount);
    // a scanner ends the lot id with Enter: then the quantity is still to be entered
    if (lot.trim() && amount === '') return amountRef.current?.focus();
    if (!lot.trim() || !(n > 0)) return setError('Scan a lot and enter the quantity taken from it.');
    setError(null);
    setBooked(null);
    await act('consume', async () => {
      try {
        const r = await post<{ consumed: { lotId: string; materialId: string; quantity: number; unit: string } }>(opApi(op.orderId, op.seq, 'consume'), {
          lotId: lot.trim(),
          quantity: n,
        });
        setBooked(`Booked ${qty(r.consumed.quantity)} ${r.consumed.unit} of ${r.consumed.materialId} from lot ${r.consumed.lotId}`);
        setLot('');
        setAmount('');
        lotRef.current?.focus();
      } catch (err) {
        setError(errorMessage(err));
      }
    });
  };
  return (
    <div className="t-materials" data-testid="materials">
      <h2>Material</h2>
      <table className="t-table">
        <thead>
          <tr>
            <th>Material</th>
            <th>Per unit</th>
            <th>Planned</th>
            <th>Consumed</th>
          </tr>
        </thead>
        <tbody>
          {consumed.map((m) => (
            <tr key={m.materialId}>
              <td>{m.materialId}</td>
              <td className="t-num">
                {qty(m.perUnit)} {m.unit ?? ''}
              </td>
              <td className="t-num">{qty(m.quantity)}</td>
              <td className="t-num">{qty(m.consumed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="t-scan"
        onSubmit={(e) => {
          e.preventDefault();
          void scan();
        }}
      >
        <label>
          Lot
          <input ref={lotRef} className="t-input" value={lot} onChange={(e) => setLot(e.target.value)} placeholder="Scan the lot label" autoComplete="off" />
        </label>
        <label>
          Quantity
          <input ref={amountRef} className="t-input t-input-num" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </label>
        <button type="submit" className="t-btn t-btn-primary" disabled={busy !== null}>
          Book lot
        </button>
      </form>
      {error && (
        <div className="t-error" role="alert" data-testid="consume-error">
          {error}
        </div>
      )}
      {booked && <div className="t-ok">{booked}</div>}
    </div>
  );
}
