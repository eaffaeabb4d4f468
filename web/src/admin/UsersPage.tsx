// Administration → Users: people who sign in, their roles, and their audit history.
import { useState, type FormEvent } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { AuditEntries } from '../audit/AuditEntries.tsx';
import { isAdmin, useUser } from '../platform/auth.tsx';
import { Badge, ErrorBanner, Spinner } from '../platform/components.tsx';
import { FormFoot } from '../platform/FormFoot.tsx';
import { ChipGroup, fieldErrors, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { RecordPage, saveRecord, type FormProps, type RecordPageConfig } from '../platform/RecordPage.tsx';
import { Link } from '../platform/router.tsx';
import { PERSON_ROLES, type AuditEntry, type User } from '../platform/types.ts';

const ROLE_HELP: Record<string, string> = {
  admin: 'everything, incl. users and tokens',
  supervisor: 'edits the plant model, runs production',
  operator: 'runs jobs at a workstation',
  quality: 'inspections, holds, audit',
  maintenance: 'work orders and equipment care',
};

function UserForm({ initial, readOnly, onSaved, onCancel }: FormProps<User>) {
  const me = useUser();
  const [username, setUsername] = useState(initial?.username ?? '');
  const [displayName, setDisplayName] = useState(initial?.displayName ?? '');
  const [roles, setRoles] = useState<string[]>(initial?.roles ?? ['operator']);
  const [badge, setBadge] = useState(initial?.badge ?? '');
  const [active, setActive] = useState(initial?.active ?? true);
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);
  const self = initial?.id === me.id;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = { displayName: displayName.trim(), roles };
      if (!initial) {
        body.username = username.trim();
        body.password = password;
        if (badge.trim()) body.badge = badge.trim();
      } else {
        if (badge.trim() !== (initial.badge ?? '')) body.badge = badge.trim() || null;
        body.active = active;
        if (password) body.password = password;
      }
      const saved = await saveRecord<User>('/users', initial?.id, body);
      setPassword('');
      onSaved(saved);
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="User">
      <ErrorBanner error={error} />
      <div className="form-grid">
        <TextField
          label="Username"
          value={username}
          onValue={setUsername}
          readOnly={!!initial || readOnly}
          autoCapitalize="none"
          autoComplete="off"
          error={errors.username}
        />
        <TextField label="Display name" value={displayName} onValue={setDisplayName} readOnly={readOnly} error={errors.displayName} />
        <TextField
          label="Badge id (optional)"
          value={badge}
          onValue={setBadge}
          readOnly={readOnly}
          error={errors.badge}
          hint="For badge sign-in at workstations"
        />
        <TextField
          label={initial ? 'New password (leave empty to keep)' : 'Initial password'}
          type="password"
          autoComplete="new-password"
          value={password}
          onValue={setPassword}
          readOnly={readOnly}
          error={errors.password}
        />
      </div>
      <ChipGroup
        label="Roles"
        options={PERSON_ROLES.map((r) => ({ value: r as string, label: r }))}
        value={roles}
        onChange={setRoles}
        disabled={readOnly}
        error={errors.roles}
      />
      <ul className="role-help muted small">
        {PERSON_ROLES.map((r) => (
          <li key={r}>
            <strong>{r}</strong> — {ROLE_HELP[r]}
          </li>
        ))}
      </ul>
      {initial && (
        <label className="switch">
          <input type="checkbox" checked={active} disabled={readOnly || self} onChange={(e) => setActive(e.target.checked)} />
          <span>Active (can sign in){self ? ' — you cannot deactivate yourself' : ''}</span>
        </label>
      )}
      {!readOnly && <FormFoot creating={!initial} busy={busy} onCancel={onCancel} label={initial ? 'Save changes' : 'Create user'} />}
    </form>
  );
}

function ActivityTab({ user }: { user: User }) {
  const res = useResource<AuditEntry[]>('/audit', { actor: user.username, limit: 50 });
  return (
    <div>
      <p className="muted small">
        The latest changes made by {user.username}. <Link to={`/audit?actor=${encodeURIComponent(user.username)}`}>Open in the audit page</Link>
      </p>
      <ErrorBanner error={res.error} />
      {res.loading && !res.data ? <Spinner /> : res.data && <AuditEntries entries={res.data} showRecord initiallyOpen={0} />}
    </div>
  );
}

export function UsersPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const config: RecordPageConfig<User> = {
    apiPath: '/users',
    basePath: '/admin/users',
    title: 'Users',
    singular: 'User',
    entity: AUDIT_ENTITIES.user,
    canEdit: isAdmin(user),
    canDelete: false,
    toItem: (u) => ({
      id: u.id,
      title: u.displayName || u.username,
      subtitle: `${u.username} · ${u.roles.join(', ')}`,
      meta: u.active === false ? <Badge tone="danger">inactive</Badge> : undefined,
    }),
    titleOf: (u) => (
      <>
        {u.displayName || u.username} {u.active === false && <Badge tone="danger">inactive</Badge>}
      </>
    ),
    renderForm: (p) => <UserForm {...p} />,
    extraTabs: [{ id: 'activity', label: 'Activity', render: (u) => <ActivityTab user={u} /> }],
    emptyHint: 'Add the people who work with Takt and give them roles.',
  };
  return <RecordPage config={config} selectedId={selectedId} />;
}
