// The lots list: filter by material, status, location or supplier lot; receive a supplier lot; hold; release with the
// signatures the policy asks for lot.release, and any lot's signatures (LotReleasePanel).
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { hasRole, useUser } from '../platform/auth.tsx';
import { Badge, Button, ErrorBanner, Modal, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { LotId } from './LotId.tsx';
import { LotReleasePanel } from './LotSignatures.tsx';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { qty, STATUS_LABEL, STATUS_TONE, type Lot } from './types.ts';

interface Material {
  id: string;
  name: string;
  unit: string;
}

const EMPTY = { material: '', status: '', location: '', supplierLot: '' };
export const traceHref = (lot: string, direction = 'backward') => `/lots/trace?lot=${encodeURIComponent(lot)}&direction=${direction}`;

export function LotsPage() {
  const user = useUser();
  const canReceive = hasRole(user, 'admin', 'supervisor', 'quality');
  const canKeep = hasRole(user, 'admin', 'supervisor', 'quality');
  const materials = useResource<Material[]>('/materials');
  const [draft, setDraft] = useState(EMPTY);
  const [applied, setApplied] = useState(EMPTY);
  const lots = useResource<Lot[]>('/lots', { ...applied, limit: 500 });
  const [receiving, setReceiving] = useState(false);
  const [holding, setHolding] = useState<Lot | null>(null);
  const [open, setOpen] = useState<Lot | null>(null);
  const toast = useToast();
  const set = (k: keyof typeof EMPTY) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <div className="page">
      <PageHeader
        title="Material lots"
        subtitle="Supplier lots received and lots made here: what is left, where, and whether it may be used."
        actions={
          <>
            <Link to="/lots/trace" className="btn btn-secondary">
              Trace / recall
            </Link>
            {canReceive && (
              <Button variant="primary" onClick={() => setReceiving(true)}>
                Receive a lot
              </Button>
            )}
          </>
        }
      />
      <form
        className="filter-bar card"
        aria-label="Lot filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
      >
        <SelectField
          label="Material"
          value={draft.material}
          onValue={set('material')}
          placeholder="All"
          options={(materials.data ?? []).map((m) => ({ value: m.id, label: `${m.id} — ${m.name}` }))}
        />
        <SelectField
          label="Status"
          value={draft.status}
          onValue={set('status')}
          placeholder="All"
          options={Object.entries(STATUS_LABEL).map(([value, label]) => ({ value, label }))}
        />
        <TextField label="Location" value={draft.location} onValue={set('location')} />
        <TextField label="Supplier lot" value={draft.supplierLot} onValue={set('supplierLot')} autoCapitalize="none" />
        <div className="filter-actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button
            onClick={() => {
              setDraft(EMPTY);
              setApplied(EMPTY);
            }}
          >
            Clear
          </Button>
        </div>
      </form>
      {lots.error ? <ErrorBanner error={lots.error} onRetry={lots.reload} /> : null}
      {open && (
        <LotReleasePanel
          key={`${open.id}-${open.status}`}
          lot={open}
          canRelease={canKeep}
          onClose={() => setOpen(null)}
          onReleased={async () => {
            toast(`Lot ${open.id} released`);
            setOpen(null);
            await lots.reload();
          }}
        />
      )}
      {!lots.data && lots.loading && <Spinner label="Loading lots…" />}
      {lots.data && (
        <div className="card table-scroll">
          <table className="table" data-testid="lots-table">
            <thead>
              <tr>
                <th>Lot</th>
                <th>Material</th>
                <th>Left</th>
                <th>Status</th>
                <th>Location</th>
                <th>Supplier lot</th>
                <th>Origin</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {lots.data.map((l) => (
                <tr key={l.id}>
                  <td>
                    <LotId id={l.id} to={traceHref(l.id)} />
                  </td>
                  <td>{l.materialId}</td>
                  <td>
                    {qty(l.quantity, l.unit)} <span className="muted small">of {qty(l.initialQuantity, l.unit)}</span>
                  </td>
                  <td>
                    <Badge tone={STATUS_TONE[l.status]}>{STATUS_LABEL[l.status]}</Badge>
                    {l.holdReason && <div className="muted small">{l.holdReason}</div>}
                  </td>
                  <td>{l.location ?? '—'}</td>
                  <td>{l.supplierLot ? <LotId id={l.supplierLot} /> : '—'}</td>
                  <td>
                    {l.producedBy ? `order ${l.producedBy.orderId}${l.producedBy.equipment ? ` · ${l.producedBy.equipment}` : ''}` : (l.supplier ?? 'received')}
                  </td>
                  <td className="small">{formatDateTime(l.createdAt)}</td>
                  <td className="cell-actions">
                    {canKeep && l.status === 'available' && <Button onClick={() => setHolding(l)}>Hold</Button>}
                    {canKeep && l.status === 'on_hold' && (
                      <Button onClick={() => setOpen(l)} disabled={open?.id === l.id}>
                        Release
                      </Button>
                    )}
                    {!(canKeep && l.status === 'on_hold') && (
                      <Button variant="ghost" onClick={() => setOpen(l)} disabled={open?.id === l.id}>
                        Signatures
                      </Button>
                    )}
                    <Link to={`/quality/lots/${encodeURIComponent(l.id)}/certificate`} className="btn btn-ghost">
                      Certificate
                    </Link>
                  </td>
                </tr>
              ))}
              {lots.data.length === 0 && (
                <tr>
                  <td colSpan={9} className="muted">
                    No lot matches these filters.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {receiving && (
        <ReceiveDialog
          materials={materials.data ?? []}
          onClose={() => setReceiving(false)}
          onDone={async (lot) => {
            setReceiving(false);
            toast(`Lot ${lot.id} received`);
            await lots.reload();
          }}
        />
      )}
      {holding && (
        <HoldDialog
          lot={holding}
          onClose={() => setHolding(null)}
          onDone={async () => {
            toast(`Lot ${holding.id} is on hold`);
            setHolding(null);
            await lots.reload();
          }}
        />
      )}
    </div>
  );
}

function ReceiveDialog({ materials, onClose, onDone }: { materials: Material[]; onClose(): void; onDone(lot: Lot): Promise<void> }) {
  const [f, setF] = useState({ id: '', material: '', quantity: '', location: '', supplier: '', supplierLot: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const unit = materials.find((m) => m.id === f.material)?.unit;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body: Record<string, unknown> = { material: f.material, quantity: Number(f.quantity) };
      for (const k of ['id', 'location', 'supplier', 'supplierLot'] as const) if (f[k].trim()) body[k] = f[k].trim();
      await onDone(await api<Lot>('/lots', { method: 'POST', body }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Receive a lot"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="receive-lot" busy={busy}>
            Receive
          </Button>
        </>
      }
    >
      <form id="receive-lot" className="form" onSubmit={submit} noValidate aria-label="Receive a lot">
        <ErrorBanner error={error} />
        <div className="form-grid">
          <SelectField
            label="Material"
            value={f.material}
            onValue={set('material')}
            placeholder="Choose…"
            options={materials.map((m) => ({ value: m.id, label: `${m.id} — ${m.name}` }))}
          />
          <TextField
            label={`Quantity${unit ? ` (${unit})` : ''}`}
            type="number"
            inputMode="decimal"
            min="0"
            step="any"
            value={f.quantity}
            onValue={set('quantity')}
          />
          <TextField label="Lot number" hint="empty: Takt numbers it (L-000123)" value={f.id} onValue={set('id')} autoCapitalize="none" />
          <TextField label="Location" value={f.location} onValue={set('location')} />
          <TextField label="Supplier" value={f.supplier} onValue={set('supplier')} />
          <TextField label="Supplier lot" value={f.supplierLot} onValue={set('supplierLot')} autoCapitalize="none" />
        </div>
      </form>
    </Modal>
  );
}

function HoldDialog({ lot, onClose, onDone }: { lot: Lot; onClose(): void; onDone(): Promise<void> }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api(`/lots/${encodeURIComponent(lot.id)}/hold`, { method: 'POST', body: { reason } });
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Hold lot ${lot.id}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="danger" type="submit" form="hold-lot" busy={busy} disabled={!reason.trim()}>
            Put on hold
          </Button>
        </>
      }
    >
      <form id="hold-lot" className="form" onSubmit={submit} aria-label="Hold a lot">
        <ErrorBanner error={error} />
        <p>A lot on hold cannot be consumed until it is released.</p>
        <TextField label="Reason" value={reason} onValue={setReason} required />
      </form>
    </Modal>
  );
}
