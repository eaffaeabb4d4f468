// /maintenance/tech/<id>: one work order on a tablet — start/stop labour, a note, a photo (the camera on a tablet),
// the checklist, the failure codes, a spare part from a lot (scan or type the lot number), and finish (done).
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { useUser } from '../../platform/auth.tsx';
import { Badge, Button, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { SelectField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { WO_STATUS_LABEL, WO_STATUS_TONE, type WorkOrderDetail } from '../types.ts';
import { CODE_LABEL, MttrFigures, type FailureCatalogue, type FailureCodes, type TechnicianWork } from './types.ts';
import './tech.css';

export function TechOrder({ id }: { id: string }) {
  const user = useUser();
  const order = useResource<WorkOrderDetail>(`/maintenance/work-orders/${id}`);
  const work = useResource<TechnicianWork>(`/maintenance/work-orders/${id}/work`);
  const catalogue = useResource<FailureCatalogue>('/maintenance/failure-codes');
  const submit = useSubmit();
  const [note, setNote] = useState('');
  const [item, setItem] = useState('');
  const [part, setPart] = useState({ lotId: '', quantity: '1' });
  const [codes, setCodes] = useState<FailureCodes | null>(null);
  const w = order.data;
  const t = work.data;
  if (!w || !t) return <div className="page tech">{order.error || work.error ? <ErrorBanner error={order.error ?? work.error} /> : <Spinner />}</div>;
  const shown = codes ?? t.failureCodes;
  const open = ['requested', 'approved', 'scheduled', 'in_progress'].includes(w.status);
  const running = t.labour.some((l) => l.technician === user.username && l.stoppedAt === null);
  const refresh = async () => {
    await Promise.all([order.reload(), work.reload()]);
  };
  const act = (fn: () => Promise<unknown>, after?: () => void) =>
    submit.run(async () => {
      await fn();
      after?.();
      await refresh();
    });
  const post = (path: string, body?: unknown, method: 'POST' | 'PUT' = 'POST') => api(`/maintenance/work-orders/${id}${path}`, { method, body });

  return (
    <div className="page tech" data-testid="tech-order">
      <PageHeader
        title={
          <>
            {w.id}: {w.description}{' '}
            <Badge tone={WO_STATUS_TONE[w.status]}>
              <span data-testid="tech-status">{WO_STATUS_LABEL[w.status]}</span>
            </Badge>
          </>
        }
        subtitle={`${w.equipment}${w.alarmCode ? ` · alarm ${w.alarmCode}` : ''}${w.stopReason ? ` · ${w.stopReason}` : ''}`}
        actions={<Link to="/maintenance/tech">Back to my queue</Link>}
      />
      <ErrorBanner error={submit.error} />

      <section className="tech-section">
        <h2>Labour</h2>
        <div className="tech-actions">
          {!running ? (
            <Button variant="primary" className="tech-big" disabled={!open} busy={submit.busy} onClick={() => act(() => post('/labour/start'))}>
              Start work
            </Button>
          ) : (
            <>
              <Button className="tech-big" busy={submit.busy} onClick={() => act(() => post('/labour/stop', { reason: 'break' }))}>
                Pause
              </Button>
              <Button className="tech-big" busy={submit.busy} onClick={() => act(() => post('/labour/stop', { reason: 'parts' }))}>
                Wait for parts
              </Button>
            </>
          )}
        </div>
        <ul className="tech-list" data-testid="tech-labour">
          {t.labour.map((l) => (
            <li key={l.id}>
              {l.technician}: {formatDateTime(l.startedAt)} – {l.stoppedAt ? `${formatDateTime(l.stoppedAt)} (${l.stopReason})` : 'working'}
            </li>
          ))}
        </ul>
        <MttrFigures mttr={t.mttr} />
      </section>

      <section className="tech-section">
        <h2>Checklist</h2>
        <ul className="tech-checklist">
          {t.checklist.map((c) => (
            <li key={c.id}>
              <label className="tech-check">
                <input
                  type="checkbox"
                  checked={c.done}
                  disabled={!open || submit.busy}
                  onChange={(e) => act(() => post(`/checklist/${c.id}`, { done: e.target.checked }, 'PUT'))}
                />
                {c.text}
                {c.doneBy ? ` — ${c.doneBy}` : ''}
              </label>
            </li>
          ))}
        </ul>
        {open && (
          <div className="tech-inline">
            <TextField label="New checklist item" value={item} onValue={setItem} />
            <Button
              disabled={!item.trim()}
              onClick={() =>
                act(
                  () => post('/checklist', { text: item.trim() }),
                  () => setItem(''),
                )
              }
            >
              Add item
            </Button>
          </div>
        )}
      </section>

      <section className="tech-section">
        <h2>Failure codes</h2>
        <div className="form-grid">
          {(Object.keys(CODE_LABEL) as Array<keyof FailureCodes>).map((f) => (
            <SelectField
              key={f}
              label={CODE_LABEL[f]}
              value={shown[f] ?? ''}
              placeholder="Pick…"
              disabled={!open}
              options={(catalogue.data?.[f] ?? []).map((c) => ({ value: c.code, label: `${c.code} — ${c.label}` }))}
              onValue={(v) => setCodes({ ...shown, [f]: v === '' ? null : v })}
            />
          ))}
        </div>
        {open && (
          <Button
            disabled={!codes}
            busy={submit.busy}
            onClick={() =>
              act(
                () => post('/failure-codes', shown, 'PUT'),
                () => setCodes(null),
              )
            }
          >
            Save failure codes
          </Button>
        )}
      </section>

      <section className="tech-section">
        <h2>Spare parts</h2>
        <ul className="tech-list" data-testid="tech-parts">
          {t.parts.map((p) => (
            <li key={p.id}>
              {p.quantity} {p.unit} {p.materialId} from lot {p.lotId} ({p.by}, {formatDateTime(p.at)})
            </li>
          ))}
        </ul>
        {open && (
          <div className="tech-inline">
            <TextField label="Lot (scan or type)" value={part.lotId} onValue={(lotId) => setPart((p) => ({ ...p, lotId }))} autoComplete="off" />
            <TextField label="Quantity" inputMode="decimal" value={part.quantity} onValue={(quantity) => setPart((p) => ({ ...p, quantity }))} />
            <Button
              className="tech-big"
              disabled={!part.lotId.trim()}
              busy={submit.busy}
              onClick={() =>
                act(
                  () => post('/parts', { lotId: part.lotId.trim(), quantity: Number(part.quantity) }),
                  () => setPart({ lotId: '', quantity: '1' }),
                )
              }
            >
              Book part
            </Button>
          </div>
        )}
      </section>

      <section className="tech-section">
        <h2>Notes and photos</h2>
        <ul className="tech-list">
          {t.notes.map((n) => (
            <li key={n.id}>
              {n.text} — {n.by}, {formatDateTime(n.at)}
            </li>
          ))}
        </ul>
        <div className="tech-inline">
          <TextField label="Note" value={note} onValue={setNote} />
          <Button
            disabled={!note.trim()}
            onClick={() =>
              act(
                () => post('/notes', { text: note.trim() }),
                () => setNote(''),
              )
            }
          >
            Add note
          </Button>
        </div>
        <div className="q-photos">
          {t.photos.map((p) => (
            <img key={p.id} src={`/api/maintenance/work-orders/${id}/photos/${p.id}`} alt={p.name} height={96} />
          ))}
        </div>
        <label className="btn btn-secondary tech-big">
          Take or upload a photo
          <input
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            capture="environment"
            hidden
            data-testid="tech-photo"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file)
                void act(() =>
                  api(`/maintenance/work-orders/${id}/photos`, {
                    method: 'POST',
                    body: file,
                    contentType: file.type || 'application/octet-stream',
                    query: { name: file.name },
                  }),
                );
              e.target.value = '';
            }}
          />
        </label>
      </section>

      {w.status === 'in_progress' && (
        <div className="tech-actions">
          <Button variant="primary" className="tech-big" busy={submit.busy} onClick={() => act(() => post('/status', { to: 'done' }))}>
            Finish (done)
          </Button>
        </div>
      )}
    </div>
  );
}
