// /maintenance/work-orders/:id — one work order: what it is for (machine, stop, alarm, reason), its planned window and
// estimate, who moved it when (its steps), and the moves the transition table allows from its status.
import { useState } from 'react';
import './maintenance.css';
import { api } from '../platform/api.ts';
import { Badge, Button, Empty, ErrorBanner, Modal, PageHeader, Spinner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import {
  WO_KIND_LABEL,
  WO_ORIGIN_LABEL,
  WO_PRIORITY_LABEL,
  WO_STATUS_LABEL,
  WO_STATUS_TONE,
  WO_TRANSITIONS,
  type WorkOrderDetail as Detail,
  type WorkOrderStatus,
} from './types.ts';

const MOVE_LABEL: Record<WorkOrderStatus, string> = {
  requested: 'Back to requested',
  approved: 'Approve',
  scheduled: 'Schedule',
  in_progress: 'Start work',
  done: 'Finish work',
  verified: 'Verify',
  cancelled: 'Cancel work order',
};

const when = (s: string | null) => (s ? formatDateTime(s) : '—');

export function WorkOrderDetail({ id }: { id: string }) {
  const wo = useResource<Detail>(`/maintenance/work-orders/${encodeURIComponent(id)}`);
  const [move, setMove] = useState<WorkOrderStatus | null>(null);
  if (wo.error && !wo.data) return <ErrorBanner error={wo.error} onRetry={() => void wo.reload()} />;
  if (!wo.data) return <Spinner />;
  const w = wo.data;
  const fields: Array<[string, React.ReactNode]> = [
    [
      'Equipment',
      <Link key="eq" to={`/live/${encodeURIComponent(w.equipmentId)}`}>
        {w.equipment}
      </Link>,
    ],
    ['Kind', WO_KIND_LABEL[w.kind]],
    ['Origin', WO_ORIGIN_LABEL[w.origin]],
    ['Priority', WO_PRIORITY_LABEL[w.priority]],
    ['Stop', w.stopStart ? `since ${formatDateTime(w.stopStart)}` : '—'],
    ['Alarm code', w.alarmCode ?? '—'],
    ['Stop reason', w.stopReason ?? '—'],
    ['Planned window', w.plannedStart ? `${formatDateTime(w.plannedStart)} – ${when(w.plannedEnd)}` : '—'],
    ['Estimate', w.estimateMinutes ? `${w.estimateMinutes} min` : '—'],
    ['Assignee', w.assignee ?? '—'],
    ['Opened', `${when(w.createdAt)} by ${w.createdBy}`],
    ['Started', when(w.startedAt)],
    ['Done', when(w.doneAt)],
    ['Verified', when(w.verifiedAt)],
  ];
  return (
    <div className="page" data-testid="work-order-detail">
      <div className="crumbs">
        <Link to="/maintenance/work-orders">Work orders</Link>
        <span className="crumb-sep">›</span>
        <span>{w.id}</span>
      </div>
      <PageHeader
        title={
          <>
            {w.id}{' '}
            <Badge tone={WO_STATUS_TONE[w.status]}>
              <span data-testid="work-order-status">{WO_STATUS_LABEL[w.status]}</span>
            </Badge>
          </>
        }
        subtitle={w.description}
        actions={WO_TRANSITIONS[w.status].map((to) => (
          <Button key={to} variant={to === 'cancelled' ? 'danger' : 'primary'} data-testid={`move-${to}`} onClick={() => setMove(to)}>
            {MOVE_LABEL[to]}
          </Button>
        ))}
      />
      <section className="card">
        <dl className="detail-grid">
          {fields.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card">
        <h2>History</h2>
        {w.steps.length === 0 ? (
          <Empty title="No steps yet" />
        ) : (
          <table className="table" data-testid="work-order-steps">
            <thead>
              <tr>
                <th>When</th>
                <th>Step</th>
                <th>By</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {w.steps.map((s, i) => (
                <tr key={`${s.at}-${i}`}>
                  <td>{formatDateTime(s.at)}</td>
                  <td>{s.from ? `${WO_STATUS_LABEL[s.from]} → ${WO_STATUS_LABEL[s.to]}` : `Opened (${WO_STATUS_LABEL[s.to]})`}</td>
                  <td>{s.by}</td>
                  <td>{s.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {move && (
        <MoveDialog
          w={w}
          to={move}
          onClose={() => setMove(null)}
          onMoved={(next) => {
            wo.setData(next);
            setMove(null);
          }}
        />
      )}
    </div>
  );
}

function MoveDialog({ w, to, onClose, onMoved }: { w: Detail; to: WorkOrderStatus; onClose(): void; onMoved(w: Detail): void }) {
  const [reason, setReason] = useState('');
  const [start, setStart] = useState(w.plannedStart?.slice(0, 16) ?? '');
  const [end, setEnd] = useState(w.plannedEnd?.slice(0, 16) ?? '');
  const submit = useSubmit();
  const window = to === 'scheduled';
  const send = () =>
    submit.run(async () => {
      const body: Record<string, string> = { to };
      if (reason.trim()) body.reason = reason.trim();
      if (window && start) body.plannedStart = new Date(start).toISOString();
      if (window && end) body.plannedEnd = new Date(end).toISOString();
      onMoved(await api<Detail>(`/maintenance/work-orders/${encodeURIComponent(w.id)}/status`, { method: 'POST', body }));
    });
  return (
    <Modal
      title={`${MOVE_LABEL[to]}: ${w.id}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Back</Button>
          <Button variant={to === 'cancelled' ? 'danger' : 'primary'} busy={submit.busy} data-testid="move-confirm" onClick={() => void send()}>
            {MOVE_LABEL[to]}
          </Button>
        </>
      }
    >
      <ErrorBanner error={submit.error} />
      {window && (
        <>
          <TextField label="Planned start" type="datetime-local" value={start} onValue={setStart} />
          <TextField label="Planned end" type="datetime-local" value={end} onValue={setEnd} />
        </>
      )}
      <TextField label={to === 'cancelled' ? 'Reason (required)' : 'Reason (optional)'} value={reason} maxLength={1000} onValue={setReason} />
    </Modal>
  );
}
