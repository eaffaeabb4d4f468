// Save / cancel buttons at the bottom of a record form.
import { Button } from './components.tsx';

export function FormFoot({
  creating,
  busy,
  onCancel,
  label,
  disabled,
}: {
  creating: boolean;
  busy: boolean;
  onCancel?: () => void;
  label?: string;
  disabled?: boolean;
}) {
  return (
    <div className="form-foot">
      <div className="form-buttons">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
          {label ?? (creating ? 'Create' : 'Save changes')}
        </Button>
      </div>
    </div>
  );
}
