// Plant model → Shift calendars: shifts, breaks, planned downtime and holidays.
import { useState, type FormEvent } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { ErrorBanner } from '../platform/components.tsx';
import { FormFoot } from '../platform/FormFoot.tsx';
import { errorFor, fieldErrors, TextField } from '../platform/forms.tsx';
import { useSubmit } from '../platform/hooks.ts';
import { RecordPage, saveRecord, type FormProps, type RecordPageConfig } from '../platform/RecordPage.tsx';
import type { Calendar, PlannedDowntime, Shift } from '../platform/types.ts';
import { DowntimeEditor, HolidaysEditor, ShiftsEditor } from './ShiftsEditor.tsx';

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function CalendarForm({ initial, readOnly, onSaved, onCancel }: FormProps<Calendar>) {
  const [id, setId] = useState(initial?.id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [timezone, setTimezone] = useState(initial?.timezone ?? browserZone);
  const [shifts, setShifts] = useState<Shift[]>(initial?.shifts ?? []);
  const [downtime, setDowntime] = useState<PlannedDowntime[]>(initial?.plannedDowntime ?? []);
  const [holidays, setHolidays] = useState<string[]>(initial?.holidays ?? []);
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = {
        name: name.trim(),
        timezone: timezone.trim(),
        shifts: shifts.map((s) => ({ ...s, name: s.name.trim(), breaks: s.breaks.map((b) => (b.name ? b : { start: b.start, end: b.end })) })),
        plannedDowntime: downtime,
        holidays: holidays.filter(Boolean),
      };
      if (!initial && id.trim()) body.id = id.trim();
      onSaved(await saveRecord<Calendar>('/calendars', initial?.id, body));
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Shift calendar">
      <ErrorBanner error={error} />
      <div className="form-grid">
        {!initial && (
          <TextField label="Identifier" value={id} onValue={setId} readOnly={readOnly} error={errors.id} autoCapitalize="none" hint="e.g. 3-shift" />
        )}
        <TextField label="Name" value={name} onValue={setName} readOnly={readOnly} error={errors.name} />
        <TextField label="Time zone" value={timezone} onValue={setTimezone} readOnly={readOnly} error={errors.timezone} hint="IANA name, e.g. Europe/Berlin" />
      </div>
      <ShiftsEditor shifts={shifts} onChange={setShifts} readOnly={readOnly} errors={errors} />
      <DowntimeEditor items={downtime} onChange={setDowntime} readOnly={readOnly} errors={errors} timeZone={timezone.trim()} />
      <HolidaysEditor days={holidays} onChange={setHolidays} readOnly={readOnly} error={errorFor(errors, 'holidays')} />
      {!readOnly && <FormFoot creating={!initial} busy={busy} onCancel={onCancel} />}
    </form>
  );
}

export function CalendarsPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const config: RecordPageConfig<Calendar> = {
    apiPath: '/calendars',
    basePath: '/plant/calendars',
    title: 'Shift calendars',
    singular: 'Shift calendar',
    entity: AUDIT_ENTITIES.calendar,
    canEdit: canEditPlant(user),
    toItem: (c) => ({ id: c.id, title: c.name, subtitle: c.timezone, meta: `${c.shifts?.length ?? 0} shifts` }),
    renderForm: (p) => <CalendarForm {...p} />,
    emptyHint: 'Calendars say when equipment is planned to run; equipment inherits its parent’s calendar.',
  };
  return <RecordPage config={config} selectedId={selectedId} />;
}
