// /quality/ncrs: nonconformances, newest first, filtered by status, source and defect code, and the "New NCR" form
// (the server checks every rule and its 400s are shown at their fields).
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { Badge, Button, Empty, ErrorBanner, PageHeader } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { errorFor, fieldErrors, orNull, SelectField, TextAreaField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { Link, navigate } from '../../platform/router.tsx';
import { codesOf, NCR_STATUS_LABEL, NCR_STATUS_TONE, SOURCE_LABEL, type Ncr, type NcrRow } from './types.ts';

export function NcrList() {
  const [filter, setFilter] = useState({ status: '', source: '', defect: '' });
  const list = useResource<NcrRow[]>('/quality/ncrs', filter);
  const [creating, setCreating] = useState(false);
  return (
    <div className="page" data-testid="ncr-list">
      <PageHeader
        title="Nonconformances"
        subtitle={<Link to="/quality/capas">CAPA</Link>}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New NCR
          </Button>
        }
      />
      {creating && <NewNcr onCancel={() => setCreating(false)} onCreated={(n) => navigate(`/quality/ncrs/${n.id}`)} />}
      <div className="form-grid q-filters">
        <SelectField
          label="Status"
          value={filter.status}
          placeholder="Any"
          options={Object.entries(NCR_STATUS_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(status) => setFilter((f) => ({ ...f, status }))}
        />
        <SelectField
          label="Source"
          value={filter.source}
          placeholder="Any"
          options={Object.entries(SOURCE_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(source) => setFilter((f) => ({ ...f, source }))}
        />
        <TextField label="Defect code" value={filter.defect} onValue={(defect) => setFilter((f) => ({ ...f, defect: defect.trim() }))} />
      </div>
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.data && list.data.length === 0 && <Empty title="No nonconformances">None matches these filters.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>NCR</th>
              <th>What</th>
              <th>Source</th>
              <th>Where</th>
              <th>Defects</th>
              <th>Status</th>
              <th>Opened</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((n) => (
              <tr key={n.id}>
                <td>
                  <Link to={`/quality/ncrs/${n.id}`}>{n.id}</Link>
                </td>
                <td>{n.title}</td>
                <td>{SOURCE_LABEL[n.source]}</td>
                <td>{[n.orderId, n.equipment, ...n.lots.map((l) => l.lot)].filter(Boolean).join(' · ')}</td>
                <td>{n.defectCodes.join(', ')}</td>
                <td>
                  <Badge tone={NCR_STATUS_TONE[n.status]}>{NCR_STATUS_LABEL[n.status]}</Badge>
                </td>
                <td>{formatDateTime(n.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NewNcr({ onCreated, onCancel }: { onCreated(n: Ncr): void; onCancel(): void }) {
  const [f, setF] = useState({
    title: '',
    description: '',
    source: 'manual',
    sourceRef: '',
    orderId: '',
    equipment: '',
    lot: '',
    lotQuantity: '',
    defects: '',
    quantity: '',
  });
  const set = (patch: Partial<typeof f>) => setF((x) => ({ ...x, ...patch }));
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const number = (s: string) => (s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s);
  const submit = () =>
    save.run(async () => {
      const body = {
        title: f.title.trim(),
        description: f.description,
        source: f.source,
        sourceRef: orNull(f.sourceRef),
        orderId: orNull(f.orderId),
        equipment: orNull(f.equipment),
        lots: f.lot.trim() ? [{ lot: f.lot.trim(), quantity: number(f.lotQuantity) }] : [],
        defectCodes: codesOf(f.defects),
        quantity: number(f.quantity),
      };
      onCreated(await api<Ncr>('/quality/ncrs', { method: 'POST', body }));
    });
  return (
    <section className="card q-section" data-testid="new-ncr">
      <h2>New nonconformance</h2>
      <ErrorBanner error={save.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <TextField label="What is wrong" value={f.title} onValue={(title) => set({ title })} error={errorFor(errors, 'title')} required maxLength={200} />
          <SelectField
            label="Source"
            value={f.source}
            options={[
              { value: 'manual', label: 'By hand' },
              { value: 'hold', label: 'A hold' },
              { value: 'complaint', label: 'Customer complaint (against a lot)' },
            ]}
            onValue={(source) => set({ source })}
          />
          <TextField label="Hold or complaint number" value={f.sourceRef} onValue={(sourceRef) => set({ sourceRef })} error={errorFor(errors, 'sourceRef')} />
          <TextField label="Order" value={f.orderId} onValue={(orderId) => set({ orderId })} error={errorFor(errors, 'orderId')} />
          <TextField label="Machine" value={f.equipment} onValue={(equipment) => set({ equipment })} error={errorFor(errors, 'equipment')} />
          <TextField label="Lot" value={f.lot} onValue={(lot) => set({ lot })} error={errorFor(errors, 'lots[0].lot') ?? errorFor(errors, 'lots')} />
          <TextField label="Quantity of the lot affected" value={f.lotQuantity} onValue={(lotQuantity) => set({ lotQuantity })} inputMode="decimal" />
          <TextField
            label="Defect codes"
            value={f.defects}
            onValue={(defects) => set({ defects })}
            hint="e.g. SHORT, FLASH"
            error={errorFor(errors, 'defectCodes')}
          />
          <TextField
            label="Quantity affected"
            value={f.quantity}
            onValue={(quantity) => set({ quantity })}
            inputMode="decimal"
            error={errorFor(errors, 'quantity')}
          />
        </div>
        <TextAreaField label="Description" value={f.description} onValue={(description) => set({ description })} maxLength={5000} />
        <div className="filter-actions">
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant="primary" type="submit" busy={save.busy}>
            Open NCR
          </Button>
        </div>
      </form>
    </section>
  );
}
