// Move the selected operation: choose one of its eligible machines and a start; Takt answers with a new version
// repaired around it (the rest stays where it was unless it collides).
import { useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { formatDateTime, fromLocalInput, toLocalInput } from '../platform/format.ts';
import { useSubmit } from '../platform/hooks.ts';
import { RISK_LABEL, type Assignment } from './types.ts';

export function MovePanel({
  versionId,
  op,
  canEdit,
  onMoved,
  onClose,
}: {
  versionId: number;
  op: Assignment;
  canEdit: boolean;
  onMoved(id: number): void;
  onClose(): void;
}) {
  const [machine, setMachine] = useState(op.machine);
  const [start, setStart] = useState(toLocalInput(op.start));
  const { busy, error, run } = useSubmit();
  useEffect(() => {
    setMachine(op.machine);
    setStart(toLocalInput(op.start));
  }, [op]);
  const submit = () =>
    run(async () => {
      const r = await api<{ id: number }>(`/schedules/${versionId}/move`, {
        method: 'POST',
        body: { orderId: op.orderId, seq: op.seq, machine, start: fromLocalInput(start) },
      });
      onMoved(r.id);
    });
  return (
    <section className="card plan-move" data-testid="plan-move">
      <div className="plan-move-head">
        <strong>
          {op.orderId} / {op.seq}
        </strong>
        <span className={`plan-risk plan-risk-${op.risk}`}>{RISK_LABEL[op.risk]}</span>
        <Button variant="ghost" onClick={onClose} aria-label="Close">
          ✕
        </Button>
      </div>
      <div className="plan-version-meta">
        {op.productId} · {formatDateTime(op.start)} → {formatDateTime(op.end)} · due {formatDateTime(op.dueAt ?? null)}
        {op.running ? ' · running (cannot move)' : ''}
      </div>
      {canEdit && !op.running && (
        <div className="plan-move-form">
          <label>
            Machine
            <select value={machine} onChange={(e) => setMachine(e.target.value)} data-testid="plan-move-machine">
              {op.eligible.map((m) => (
                <option key={m} value={m}>
                  {m.split('/').pop()}
                </option>
              ))}
            </select>
          </label>
          <label>
            Start
            <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} data-testid="plan-move-start" />
          </label>
          <Button variant="primary" busy={busy} onClick={() => void submit()}>
            Move and repair
          </Button>
        </div>
      )}
      <ErrorBanner error={error} />
    </section>
  );
}
