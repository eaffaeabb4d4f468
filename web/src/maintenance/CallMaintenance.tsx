// "Call maintenance" (machine page, the terminal's andon, the shop-floor view): opens a corrective work order for the
// machine, pre-filled with its current stop (the latest stop still going on, from GET /api/performance/stops) — its
// alarm code and reason are filled in by the server from the stop.
import { useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner, Modal } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { fieldErrors, errorFor, SelectField, TextAreaField } from '../platform/forms.tsx';
import { useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { WO_PRIORITY_LABEL, type WorkOrderDetail } from './types.ts';

interface Stop {
  start: string;
  ongoing: boolean;
  durationS: number;
  alarmCode: string | null;
  reason: string | null;
}

export function CallMaintenanceButton({ equipment, className, onOpened }: { equipment: string; className?: string; onOpened?(w: WorkOrderDetail): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className ?? 'btn btn-secondary'} data-testid="call-maintenance" onClick={() => setOpen(true)}>
        Call maintenance
      </button>
      {open && <CallMaintenanceDialog equipment={equipment} onClose={() => setOpen(false)} onOpened={onOpened} />}
    </>
  );
}

export function CallMaintenanceDialog({ equipment, onClose, onOpened }: { equipment: string; onClose(): void; onOpened?(w: WorkOrderDetail): void }) {
  const [stop, setStop] = useState<Stop | null | undefined>(undefined);
  const [forStop, setForStop] = useState(true);
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState('high');
  const [made, setMade] = useState<WorkOrderDetail | null>(null);
  const submit = useSubmit();
  useEffect(() => {
    api<Stop[]>('/performance/stops', { query: { equipment } })
      .then((stops) => setStop(stops.findLast((s) => s.ongoing) ?? null))
      .catch(() => setStop(null)); // no stops to offer: the order is opened for the machine only
  }, [equipment]);
  const send = () =>
    submit.run(async () => {
      const w = await api<WorkOrderDetail>('/maintenance/work-orders', {
        method: 'POST',
        body: { equipment, kind: 'corrective', description: description.trim(), priority, ...(stop && forStop ? { stopId: stop.start } : {}) },
      });
      setMade(w);
      onOpened?.(w);
    });
  const errors = fieldErrors(submit.error);
  return (
    <Modal
      title={`Call maintenance: ${equipment}`}
      onClose={onClose}
      footer={
        made ? (
          <Button onClick={onClose}>Close</Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button variant="primary" busy={submit.busy} disabled={!description.trim()} onClick={() => void send()}>
              Open work order
            </Button>
          </>
        )
      }
    >
      {made ? (
        <p role="status" data-testid="call-maintenance-done">
          Work order <Link to={`/maintenance/work-orders/${encodeURIComponent(made.id)}`}>{made.id}</Link> is open ({made.status}).
        </p>
      ) : (
        <div data-testid="call-maintenance-dialog">
          <ErrorBanner error={submit.error} />
          {stop === undefined && <p>Looking for the machine's current stop…</p>}
          {stop === null && <p>The machine is not stopped now: the work order is for the machine.</p>}
          {stop && (
            <label className="check-field">
              <input type="checkbox" checked={forStop} onChange={(e) => setForStop(e.target.checked)} data-testid="call-maintenance-stop" />
              For the current stop, since {formatDateTime(stop.start)}
              {stop.alarmCode ? `, alarm ${stop.alarmCode}` : ''}
              {stop.reason ? ` (${stop.reason})` : ''}
            </label>
          )}
          <TextAreaField label="What is wrong" value={description} maxLength={2000} error={errorFor(errors, 'description')} onValue={setDescription} />
          <SelectField
            label="Priority"
            value={priority}
            options={Object.entries(WO_PRIORITY_LABEL).map(([value, label]) => ({ value, label }))}
            onValue={setPriority}
          />
        </div>
      )}
    </Modal>
  );
}
