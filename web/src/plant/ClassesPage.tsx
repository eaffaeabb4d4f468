// Plant model → Equipment classes: shared property templates for equipment (e.g. "Injection moulder").
import { useState, type FormEvent } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { ErrorBanner } from '../platform/components.tsx';
import { FormFoot } from '../platform/FormFoot.tsx';
import { errorFor, fieldErrors, TextAreaField, TextField } from '../platform/forms.tsx';
import { useSubmit } from '../platform/hooks.ts';
import { RecordPage, saveRecord, type FormProps, type RecordPageConfig } from '../platform/RecordPage.tsx';
import type { EquipmentClass } from '../platform/types.ts';
import { fromRows, PropertiesEditor, toRows, type PropRow } from './PropertiesEditor.tsx';
import { errorsUnder, fromTagRows, TagsEditor, toTagRows, type TagRow } from '../connectors/TagsEditor.tsx';
import type { EquipmentClassWithTags } from '../connectors/types.ts';

function ClassForm({ initial, readOnly, onSaved, onCancel }: FormProps<EquipmentClass>) {
  const [id, setId] = useState(initial?.id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [props, setProps] = useState<PropRow[]>(toRows(initial?.properties));
  const [tagRows, setTagRows] = useState<TagRow[]>(() => toTagRows((initial as EquipmentClassWithTags | undefined)?.tags));
  const [tried, setTried] = useState(false);
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);
  const tags = fromTagRows(tagRows);
  const tagErrors = { ...(tried ? tags.errors : {}), ...errorsUnder(errors, 'tags') };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(tags.errors).length > 0) return;
    void run(async () => {
      const body: Record<string, unknown> = { name: name.trim(), description, properties: fromRows(props), tags: tags.value };
      if (!initial) body.id = id.trim();
      onSaved(await saveRecord<EquipmentClass>('/equipment-classes', initial?.id, body));
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Equipment class">
      <ErrorBanner error={error} />
      <div className="form-grid">
        <TextField
          label="Class code"
          value={id}
          onValue={setId}
          readOnly={!!initial || readOnly}
          error={errors.id}
          autoCapitalize="none"
          hint={initial ? undefined : 'e.g. imm-350t'}
        />
        <TextField label="Name" value={name} onValue={setName} readOnly={readOnly} error={errors.name} />
      </div>
      <TextAreaField label="Description" value={description} onValue={setDescription} readOnly={readOnly} rows={2} error={errors.description} />
      <PropertiesEditor rows={props} onChange={setProps} readOnly={readOnly} error={errorFor(errors, 'properties')} />
      <TagsEditor rows={tagRows} onChange={setTagRows} readOnly={readOnly} errors={tagErrors} error={errors.tags} />
      {!readOnly && <FormFoot creating={!initial} busy={busy} onCancel={onCancel} />}
    </form>
  );
}

export function ClassesPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const config: RecordPageConfig<EquipmentClass> = {
    apiPath: '/equipment-classes',
    basePath: '/plant/classes',
    title: 'Equipment classes',
    singular: 'Equipment class',
    entity: AUDIT_ENTITIES.equipmentClass,
    canEdit: canEditPlant(user),
    toItem: (c) => ({
      id: c.id,
      title: c.name,
      subtitle: c.description || undefined,
      meta: `${Object.keys(c.properties ?? {}).length} props · ${(c as EquipmentClassWithTags).tags?.length ?? 0} tags`,
    }),
    renderForm: (p) => <ClassForm {...p} />,
    emptyHint: 'Classes group similar machines and give them default properties.',
  };
  return <RecordPage config={config} selectedId={selectedId} />;
}
