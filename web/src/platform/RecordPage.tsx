// Generic list + detail page for a collection of records (materials, products, calendars, …):
// searchable list, create at `<base>/new`, details form and the record's audit trail in tabs.
import { useState, type ReactNode } from 'react';
import { AuditTrail } from '../audit/AuditTrail.tsx';
import { api } from './api.ts';
import { Button, ConfirmDialog, Empty, ErrorBanner, PageHeader, Spinner, Tabs, useToast } from './components.tsx';
import { useResource, type Resource } from './hooks.ts';
import { MasterDetail, RecordList, type ListItem } from './MasterDetail.tsx';
import { navigate } from './router.tsx';

export interface FormProps<T> {
  initial?: T;
  readOnly: boolean;
  onSaved(record: T): void;
  onCancel?(): void;
}

export interface RecordPageConfig<T extends { id: string }> {
  /** API collection path, e.g. `/materials`. */
  apiPath: string;
  /** Web path, e.g. `/plant/materials`. */
  basePath: string;
  title: string;
  singular: string;
  entity: string;
  toItem(r: T): ListItem;
  renderForm(props: FormProps<T>): ReactNode;
  canEdit: boolean;
  canDelete?: boolean;
  /** Extra tabs beside Details and Audit trail. */
  extraTabs?: { id: string; label: string; render(r: T): ReactNode }[];
  /** Extra header actions on a selected record. */
  headerActions?(r: T): ReactNode;
  titleOf?(r: T): ReactNode;
  emptyHint?: ReactNode;
}

export function RecordPage<T extends { id: string }>({ config, selectedId }: { config: RecordPageConfig<T>; selectedId?: string }) {
  const res = useResource<T[]>(config.apiPath);
  const items = res.data ?? [];
  const creating = selectedId === 'new';
  const selected = creating ? undefined : items.find((r) => r.id === selectedId);
  const hrefFor = (id: string) => `${config.basePath}/${encodeURIComponent(id)}`;

  let detail: ReactNode;
  if (res.loading && !res.data) detail = <Spinner />;
  else if (creating) {
    detail = config.canEdit ? (
      <div className="detail">
        <PageHeader title={`New ${config.singular}`} />
        <div className="card">
          {config.renderForm({
            readOnly: false,
            onSaved: async (r) => {
              await res.reload();
              navigate(hrefFor(r.id), { replace: true });
            },
            onCancel: () => navigate(config.basePath),
          })}
        </div>
      </div>
    ) : (
      <Empty title="Read-only">Your role cannot create records here.</Empty>
    );
  } else if (selected) {
    detail = <RecordDetail key={selected.id} config={config} record={selected} res={res} />;
  } else if (selectedId) {
    detail = <Empty title={`${config.singular} not found`}>It may have been deleted.</Empty>;
  } else {
    detail = (
      <div className="detail">
        <PageHeader title={config.title} subtitle={`${items.length} record${items.length === 1 ? '' : 's'}`} />
        <Empty title={items.length ? `Select a ${config.singular.toLowerCase()}` : `No ${config.title.toLowerCase()} yet`}>{config.emptyHint}</Empty>
      </div>
    );
  }

  const list = (
    <>
      <ErrorBanner error={res.error} onRetry={() => void res.reload()} />
      <RecordList
        label={config.title}
        items={items.map(config.toItem)}
        selectedId={selectedId}
        hrefFor={hrefFor}
        actions={
          config.canEdit && (
            <Button variant="primary" onClick={() => navigate(`${config.basePath}/new`)}>
              + New
            </Button>
          )
        }
      />
    </>
  );

  return <MasterDetail list={list} detail={detail} hasSelection={!!selectedId} backTo={config.basePath} backLabel={config.title} />;
}

function RecordDetail<T extends { id: string }>({ config, record, res }: { config: RecordPageConfig<T>; record: T; res: Resource<T[]> }) {
  const toast = useToast();
  const [tab, setTab] = useState('details');
  const [confirm, setConfirm] = useState(false);
  const item = config.toItem(record);
  const tabs = [
    { id: 'details', label: 'Details' },
    ...(config.extraTabs ?? []).map((t) => ({ id: t.id, label: t.label })),
    { id: 'audit', label: 'Audit trail' },
  ];
  const extra = config.extraTabs?.find((t) => t.id === tab);
  return (
    <div className="detail">
      <PageHeader
        title={config.titleOf ? config.titleOf(record) : item.title}
        subtitle={<code>{record.id}</code>}
        actions={
          <>
            {config.headerActions?.(record)}
            {config.canEdit && config.canDelete !== false && (
              <Button variant="danger" onClick={() => setConfirm(true)}>
                Delete
              </Button>
            )}
          </>
        }
      />
      <Tabs tabs={tabs} active={tab} onChange={setTab} />
      <div className="card">
        {tab === 'details' && !config.canEdit && <div className="readonly-note">Read-only — your role cannot change these records.</div>}
        {tab === 'details' &&
          config.renderForm({
            initial: record,
            readOnly: !config.canEdit,
            onSaved: async () => {
              await res.reload();
              toast(`${config.singular} saved`);
            },
          })}
        {extra?.render(record)}
        {tab === 'audit' && <AuditTrail entity={config.entity} entityId={record.id} />}
      </div>
      {confirm && (
        <ConfirmDialog
          title={`Delete ${item.title}?`}
          message={`This ${config.singular.toLowerCase()} will be removed. Its history stays in the audit trail.`}
          askReason
          onClose={() => setConfirm(false)}
          onConfirm={async (reason) => {
            await api(`${config.apiPath}/${encodeURIComponent(record.id)}`, { method: 'DELETE', query: { reason } });
            toast(`${item.title} deleted`);
            await res.reload();
            navigate(config.basePath, { replace: true });
          }}
        />
      )}
    </div>
  );
}

/** Shared save helper for record forms: POST when new, PATCH otherwise. */
export async function saveRecord<T>(apiPath: string, existingId: string | undefined, body: unknown): Promise<T> {
  if (existingId === undefined) return api<T>(apiPath, { method: 'POST', body });
  return api<T>(`${apiPath}/${encodeURIComponent(existingId)}`, { method: 'PATCH', body });
}
