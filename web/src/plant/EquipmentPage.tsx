// Plant model → Equipment: the ISA-95 hierarchy as a tree, with a detail/edit panel and audit trail.
import { useState } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { AuditTrail } from '../audit/AuditTrail.tsx';
import { api } from '../platform/api.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { Badge, Button, ConfirmDialog, Empty, ErrorBanner, PageHeader, Spinner, Tabs, useToast } from '../platform/components.tsx';
import { useResource } from '../platform/hooks.ts';
import { MasterDetail } from '../platform/MasterDetail.tsx';
import { Link, navigate, useLocation } from '../platform/router.tsx';
import { LEVEL_LABELS, LEVELS, type Calendar, type Equipment, type EquipmentClass } from '../platform/types.ts';
import { EquipmentForm } from './EquipmentForm.tsx';
import { EquipmentTree } from './EquipmentTree.tsx';
import { allowedLevels } from './tree.ts';

const href = (id: string) => `/plant/equipment/${encodeURIComponent(id)}`;

export function EquipmentPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const canEdit = canEditPlant(user);
  const { search } = useLocation();
  const equipment = useResource<Equipment[]>('/equipment');
  const classes = useResource<EquipmentClass[]>('/equipment-classes');
  const calendars = useResource<Calendar[]>('/calendars');
  const list = equipment.data ?? [];

  const creating = selectedId === 'new';
  const parentId = creating ? (search.get('parent') ?? undefined) : undefined;
  const selected = creating ? undefined : list.find((e) => e.id === selectedId);

  let detail;
  if (equipment.loading && !equipment.data) detail = <Spinner />;
  else if (creating) {
    const parent = parentId ? list.find((e) => e.id === parentId) : undefined;
    detail = !canEdit ? (
      <Empty title="Read-only">Editing the plant model needs the admin or supervisor role.</Empty>
    ) : (
      <div className="detail">
        <PageHeader title="New equipment" subtitle={parent ? `Under ${parent.path}` : 'Top level'} />
        <div className="card">
          <EquipmentForm
            key={`new-${parentId ?? ''}`}
            parent={parent}
            classes={classes.data ?? []}
            calendars={calendars.data ?? []}
            onSaved={async (eq) => {
              await equipment.reload();
              navigate(href(eq.id), { replace: true });
            }}
            onCancel={() => navigate(parent ? href(parent.id) : '/plant/equipment')}
          />
        </div>
      </div>
    );
  } else if (selected) {
    detail = (
      <EquipmentDetail
        key={selected.id}
        eq={selected}
        list={list}
        classes={classes.data ?? []}
        calendars={calendars.data ?? []}
        canEdit={canEdit}
        reload={equipment.reload}
      />
    );
  } else if (selectedId) {
    detail = <Empty title="Equipment not found">It may have been deleted.</Empty>;
  } else {
    detail = <Overview list={list} />;
  }

  const tree = (
    <div className="pane">
      <div className="pane-head">
        <h2 className="pane-title">Equipment</h2>
        {canEdit && (
          <Button variant="ghost" onClick={() => navigate('/plant/equipment/new')} data-testid="add-root">
            + Top level
          </Button>
        )}
      </div>
      <ErrorBanner error={equipment.error} onRetry={() => void equipment.reload()} />
      {equipment.data && <EquipmentTree list={list} selectedId={creating ? parentId : selectedId} />}
    </div>
  );

  return <MasterDetail list={tree} detail={detail} hasSelection={!!selectedId} backTo="/plant/equipment" backLabel="Equipment tree" />;
}

function Overview({ list }: { list: Equipment[] }) {
  const counts = LEVELS.map((l) => [l, list.filter((e) => e.level === l).length] as const).filter(([, n]) => n > 0);
  return (
    <div className="detail">
      <PageHeader title="Plant model" subtitle="Select equipment in the tree to see and edit it." />
      {list.length === 0 ? (
        <Empty title="The plant model is empty">
          Start with an enterprise at the top level, or <Link to="/plant/file">import a plant file</Link>.
        </Empty>
      ) : (
        <div className="stat-grid">
          {counts.map(([level, n]) => (
            <div key={level} className="stat">
              <div className="stat-value">{n}</div>
              <div className="stat-label">{LEVEL_LABELS[level]}</div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function EquipmentDetail({
  eq,
  list,
  classes,
  calendars,
  canEdit,
  reload,
}: {
  eq: Equipment;
  list: Equipment[];
  classes: EquipmentClass[];
  calendars: Calendar[];
  canEdit: boolean;
  reload(): Promise<void>;
}) {
  const toast = useToast();
  const [tab, setTab] = useState('details');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const parent = eq.parentId ? list.find((e) => e.id === eq.parentId) : undefined;
  const children = list.filter((e) => e.parentId === eq.id);
  const canHaveChildren = allowedLevels(eq).length > 0;
  const crumbs = ancestorsOf(eq, list);

  return (
    <div className="detail" data-testid="equipment-detail">
      <nav className="crumbs" aria-label="Path">
        {crumbs.map((c) => (
          <span key={c.id}>
            <Link to={href(c.id)}>{c.name}</Link>
            <span className="crumb-sep">/</span>
          </span>
        ))}
      </nav>
      <PageHeader
        title={
          <>
            {eq.name} <Badge tone="level">{LEVEL_LABELS[eq.level]}</Badge>
          </>
        }
        subtitle={<code data-testid="equipment-path">{eq.path}</code>}
        actions={
          canEdit && (
            <>
              {canHaveChildren && (
                <Button variant="primary" onClick={() => navigate(`/plant/equipment/new?parent=${encodeURIComponent(eq.id)}`)}>
                  + Add child
                </Button>
              )}
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete
              </Button>
            </>
          )
        }
      />
      <Tabs
        tabs={[
          { id: 'details', label: 'Details' },
          { id: 'children', label: `Children (${children.length})` },
          { id: 'audit', label: 'Audit trail' },
        ]}
        active={tab}
        onChange={setTab}
      />
      <div className="card">
        {tab === 'details' && !canEdit && <ReadOnlyNote />}
        {tab === 'details' && (
          <EquipmentForm
            key={`${eq.id}-${eq.version}`}
            initial={eq}
            parent={parent}
            childList={children}
            list={list}
            classes={classes}
            calendars={calendars}
            readOnly={!canEdit}
            onSaved={async () => {
              await reload();
              toast('Equipment saved');
            }}
          />
        )}
        {tab === 'children' &&
          (children.length === 0 ? (
            <Empty title="No children" />
          ) : (
            <ul className="simple-list">
              {children.map((c) => (
                <li key={c.id}>
                  <Link to={href(c.id)}>{c.name}</Link> <Badge tone="level">{LEVEL_LABELS[c.level]}</Badge> <code className="muted">{c.extId}</code>
                </li>
              ))}
            </ul>
          ))}
        {tab === 'audit' && <AuditTrail entity={AUDIT_ENTITIES.equipment} entityId={eq.id} />}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${eq.name}?`}
          message={
            children.length > 0 ? (
              <>This equipment has {children.length} child record(s); delete or move them first.</>
            ) : (
              <>
                <code>{eq.path}</code> will be removed from the plant model. The audit trail keeps its history.
              </>
            )
          }
          askReason
          onClose={() => setConfirmDelete(false)}
          onConfirm={async (reason) => {
            await api(`/equipment/${encodeURIComponent(eq.id)}`, { method: 'DELETE', query: { reason } });
            toast(`${eq.name} deleted`);
            await reload();
            navigate(parent ? href(parent.id) : '/plant/equipment', { replace: true });
          }}
        />
      )}
    </div>
  );
}

function ReadOnlyNote() {
  return <div className="readonly-note">Read-only — changing the plant model needs the admin or supervisor role.</div>;
}

function ancestorsOf(eq: Equipment, list: Equipment[]): Equipment[] {
  const out: Equipment[] = [];
  let cur = eq.parentId ? list.find((e) => e.id === eq.parentId) : undefined;
  while (cur && out.length < 10) {
    out.unshift(cur);
    cur = cur.parentId ? list.find((e) => e.id === cur!.parentId) : undefined;
  }
  return out;
}
