// Create / edit form for one piece of equipment.
import { useState, type FormEvent } from 'react';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { errorFor, fieldErrors, SelectField, TextAreaField, TextField, orNull } from '../platform/forms.tsx';
import { LEVEL_LABELS, type Calendar, type Equipment, type EquipmentClass, type Level } from '../platform/types.ts';
import { fromRows, parseAttributes, PropertiesEditor, toRows, type PropRow } from './PropertiesEditor.tsx';
import { allowedLevels, defaultChildLevel, possibleParents } from './tree.ts';
import { ConnectionsEditor, fromDrafts, toDrafts, type ConnectionDraft } from '../connectors/ConnectionsEditor.tsx';
import { errorsUnder, fromTagRows, TagsEditor, toTagRows, type TagRow } from '../connectors/TagsEditor.tsx';
import type { EquipmentClassWithTags, EquipmentWithConnectors } from '../connectors/types.ts';

interface Props {
  initial?: Equipment;
  parent?: Equipment;
  childList?: Equipment[];
  /** All equipment, to offer a new parent when editing. */
  list?: Equipment[];
  classes: EquipmentClass[];
  calendars: Calendar[];
  readOnly?: boolean;
  onSaved(eq: Equipment): void;
  onCancel?(): void;
}

export function EquipmentForm({ initial, parent: initialParent, childList, list = [], classes, calendars, readOnly, onSaved, onCancel }: Props) {
  const creating = !initial;
  const [parentId, setParentId] = useState(initialParent?.id ?? '');
  const parent = creating ? initialParent : list.find((e) => e.id === parentId);
  const [extId, setExtId] = useState(initial?.extId ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [level, setLevel] = useState<Level>(initial?.level ?? defaultChildLevel(parent));
  const [description, setDescription] = useState(initial?.description ?? '');
  const [equipmentClass, setEquipmentClass] = useState(initial?.equipmentClass ?? '');
  const [calendarId, setCalendarId] = useState(initial?.calendarId ?? '');
  const [props, setProps] = useState<PropRow[]>(toRows(initial?.properties));
  const [attrText, setAttrText] = useState(initial && Object.keys(initial.attributes ?? {}).length ? JSON.stringify(initial.attributes, null, 2) : '');
  const withConn = initial as EquipmentWithConnectors | undefined;
  const [tagRows, setTagRows] = useState<TagRow[]>(() => toTagRows(withConn?.tags));
  const [connDrafts, setConnDrafts] = useState<ConnectionDraft[]>(() => toDrafts(withConn?.connections));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const errors = fieldErrors(error);
  const attrs = parseAttributes(attrText);
  const levels = allowedLevels(parent, childList);
  const tags = fromTagRows(tagRows);
  const conns = fromDrafts(connDrafts);
  // The browser's own checks show once a save was tried (or the value is plainly malformed); the server's always.
  const tagErrors = { ...(tried ? tags.errors : {}), ...errorsUnder(errors, 'tags') };
  const connErrors = { ...(tried ? conns.errors : {}), ...errorsUnder(errors, 'connections') };
  const clientInvalid = Object.keys(tags.errors).length > 0 || Object.keys(conns.errors).length > 0;
  const cls = classes.find((c) => c.id === equipmentClass) as EquipmentClassWithTags | undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (attrs.error || clientInvalid) return;
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = {
      extId: extId.trim(),
      level,
      name: name.trim(),
      description,
      equipmentClass: orNull(equipmentClass),
      calendarId: orNull(calendarId),
      properties: fromRows(props),
      attributes: attrs.value ?? {},
    };
    // Tags and connections only when they changed: saving connections restarts the machine's connectors.
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (creating ? tags.value.length > 0 : !same(tags.value, fromTagRows(toTagRows(withConn?.tags)).value)) body.tags = tags.value;
    if (creating ? conns.value.length > 0 : !same(conns.value, fromDrafts(toDrafts(withConn?.connections)).value)) body.connections = conns.value;
    try {
      let saved: Equipment;
      if (creating) {
        saved = await api<Equipment>('/equipment', { method: 'POST', body: { parentId: parent?.id ?? null, ...body } });
      } else {
        if ((initial.parentId ?? '') !== parentId) body.parentId = parentId || null;
        if (reason.trim()) body.reason = reason.trim();
        saved = await api<Equipment>(`/equipment/${encodeURIComponent(initial.id)}`, { method: 'PATCH', body });
      }
      setReason('');
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={creating ? 'New equipment' : 'Equipment details'}>
      <ErrorBanner error={error} />
      {creating && (
        <div className="form-context">
          Parent: <strong>{parent ? `${parent.name}` : 'none (top level)'}</strong>
          {parent && <code className="muted"> {parent.path}</code>}
        </div>
      )}
      <div className="form-grid">
        <TextField label="Name" value={name} onValue={setName} required readOnly={readOnly} error={errors.name} />
        <TextField
          label="Identifier (extId)"
          value={extId}
          onValue={setExtId}
          required
          readOnly={readOnly}
          autoCapitalize="none"
          spellCheck={false}
          error={errors.extId}
          hint={
            readOnly
              ? undefined
              : creating
                ? `Unique under the parent; becomes ${parent ? `${parent.path}/` : ''}${extId || '…'}`
                : 'Changing it changes the path of this record and everything under it.'
          }
        />
        <SelectField
          label="Level"
          value={level}
          onValue={(v) => setLevel(v as Level)}
          disabled={readOnly}
          error={errors.level}
          options={(levels.includes(level) ? levels : [level, ...levels]).map((l) => ({ value: l, label: LEVEL_LABELS[l] }))}
        />
        {!creating && (
          <SelectField
            label="Parent"
            value={parentId}
            onValue={setParentId}
            disabled={readOnly}
            error={errors.parentId}
            placeholder="None (top level)"
            hint={parentId !== (initial.parentId ?? '') ? 'Saving moves this record and everything under it.' : undefined}
            options={possibleParents(initial, list)
              .sort((a, b) => a.path.localeCompare(b.path))
              .map((e) => ({ value: e.id, label: `${e.path} (${LEVEL_LABELS[e.level]})` }))}
          />
        )}
        <SelectField
          label="Equipment class"
          value={equipmentClass}
          onValue={setEquipmentClass}
          disabled={readOnly}
          error={errors.equipmentClass}
          placeholder="None"
          options={classes.map((c) => ({ value: c.id, label: c.name }))}
        />
        <SelectField
          label="Shift calendar"
          value={calendarId}
          onValue={setCalendarId}
          disabled={readOnly}
          error={errors.calendarId}
          placeholder={parent ? 'Inherit from parent' : 'None'}
          options={calendars.map((c) => ({ value: c.id, label: c.name }))}
        />
      </div>
      <TextAreaField label="Description" value={description} onValue={setDescription} readOnly={readOnly} rows={2} error={errors.description} />
      <PropertiesEditor rows={props} onChange={setProps} readOnly={readOnly} error={errorFor(errors, 'properties')} />
      <TagsEditor
        rows={tagRows}
        onChange={setTagRows}
        readOnly={readOnly}
        errors={tagErrors}
        error={errors.tags}
        inherited={cls ? { from: cls.name, tags: cls.tags ?? [] } : undefined}
      />
      <ConnectionsEditor drafts={connDrafts} onChange={setConnDrafts} readOnly={readOnly} errors={connErrors} error={errors.connections} />
      <TextAreaField
        label="Attributes (JSON)"
        value={attrText}
        onValue={setAttrText}
        readOnly={readOnly}
        rows={3}
        className="mono"
        placeholder={readOnly ? 'None' : '{"vendor": "Engel", "tonnage": 350}'}
        error={attrs.error ?? errorFor(errors, 'attributes')}
      />
      {!readOnly && (
        <div className="form-foot">
          {!creating && <TextField label="Reason for change (optional, kept in the audit trail)" value={reason} onValue={setReason} className="grow" />}
          <div className="form-buttons">
            {onCancel && <Button onClick={onCancel}>Cancel</Button>}
            {tried && clientInvalid && <span className="field-error">Correct the marked fields first.</span>}
            <Button type="submit" variant="primary" busy={busy} disabled={!!attrs.error}>
              {creating ? 'Create equipment' : 'Save changes'}
            </Button>
          </div>
        </div>
      )}
    </form>
  );
}
