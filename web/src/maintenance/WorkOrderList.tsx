// /maintenance/work-orders: work orders newest first, filtered by status, kind and equipment path.
import { useState } from 'react';
import { Badge, Empty, ErrorBanner, PageHeader } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { WO_KIND_LABEL, WO_ORIGIN_LABEL, WO_PRIORITY_LABEL, WO_STATUS_LABEL, WO_STATUS_TONE, type WorkOrder } from './types.ts';

export function WorkOrderList() {
  const [filter, setFilter] = useState({ status: '', kind: '', equipment: '' });
  const query = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== ''));
  const list = useResource<WorkOrder[]>('/maintenance/work-orders', query);
  return (
    <div className="page" data-testid="work-order-list">
      <PageHeader title="Work orders" />
      <div className="form-grid">
        <SelectField
          label="Status"
          value={filter.status}
          placeholder="Any"
          options={Object.entries(WO_STATUS_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(status) => setFilter((f) => ({ ...f, status }))}
        />
        <SelectField
          label="Kind"
          value={filter.kind}
          placeholder="Any"
          options={Object.entries(WO_KIND_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(kind) => setFilter((f) => ({ ...f, kind }))}
        />
        <TextField label="Equipment path" value={filter.equipment} onValue={(equipment) => setFilter((f) => ({ ...f, equipment: equipment.trim() }))} />
      </div>
      <ErrorBanner error={list.error} onRetry={() => void list.reload()} />
      {list.data && list.data.length === 0 && <Empty title="No work orders">None matches these filters.</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Work order</th>
              <th>Equipment</th>
              <th>What</th>
              <th>Kind</th>
              <th>Origin</th>
              <th>Priority</th>
              <th>Status</th>
              <th>Opened</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((w) => (
              <tr key={w.id}>
                <td>
                  <Link to={`/maintenance/work-orders/${encodeURIComponent(w.id)}`}>{w.id}</Link>
                </td>
                <td>{w.equipment}</td>
                <td>{w.description}</td>
                <td>{WO_KIND_LABEL[w.kind]}</td>
                <td>{WO_ORIGIN_LABEL[w.origin]}</td>
                <td>{WO_PRIORITY_LABEL[w.priority]}</td>
                <td>
                  <Badge tone={WO_STATUS_TONE[w.status]}>{WO_STATUS_LABEL[w.status]}</Badge>
                </td>
                <td>{formatDateTime(w.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
