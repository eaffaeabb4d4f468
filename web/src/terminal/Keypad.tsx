// A big-digit keypad for touch screens: PINs (masked, every digit kept as typed) and quantities (whole numbers, or
// with a decimal point where the unit allows fractions). It starts from what the caller gives (an empty field: nothing
// prefilled), "C" clears the entry and ⌫ deletes the last digit.
import { useEffect } from 'react';

/** The entry after pressing `key` ('0'…'9', '.', 'back', 'clear'), given what the keypad allows. */
export function keypadPress(value: string, key: string, opts: { decimal: boolean; pin: boolean; maxLength: number }): string {
  if (key === 'back') return value.slice(0, -1);
  if (key === 'clear') return '';
  if (key === '.') {
    if (!opts.decimal || value.includes('.') || value.length >= opts.maxLength) return value;
    return value === '' ? '0.' : `${value}.`;
  }
  if (!/^\d$/.test(key) || value.length >= opts.maxLength) return value;
  // a quantity has no leading zero (0 then 5 is 5); a PIN keeps every digit (0 then 5 is 05)
  return !opts.pin && value === '0' ? key : value + key;
}

export function Keypad({
  value,
  onChange,
  onEnter,
  decimal = false,
  pin = false,
  maxLength = 9,
  label,
}: {
  value: string;
  onChange(next: string): void;
  onEnter?(): void;
  /** Offer a decimal point (a measured unit: kg, m, l, …); never for PINs or counted units. */
  decimal?: boolean;
  /** A PIN: digits are kept as typed, leading zeros too. */
  pin?: boolean;
  maxLength?: number;
  label: string;
}) {
  const press = (key: string) => {
    const next = keypadPress(value, key, { decimal, pin, maxLength });
    if (next !== value) onChange(next);
  };
  // A hardware keyboard works too (digits, the point where allowed, Backspace, Delete clears, Enter).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      if (/^\d$/.test(e.key) || (decimal && e.key === '.')) press(e.key);
      else if (e.key === 'Backspace') press('back');
      else if (e.key === 'Delete') press('clear');
      else if (e.key === 'Enter' && onEnter) onEnter();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', decimal ? '.' : 'clear', '0', 'back', ...(decimal ? ['clear'] : [])];
  return (
    <div className="t-keypad" role="group" aria-label={label}>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          className={`t-key${/^\d$/.test(k) ? '' : ' t-key-fn'}${k === 'clear' && decimal ? ' t-key-row' : ''}`}
          aria-label={k === 'back' ? 'Delete last digit' : k === 'clear' ? 'Clear' : k === '.' ? 'Decimal point' : `Digit ${k}`}
          onClick={() => press(k)}
        >
          {k === 'back' ? '⌫' : k === 'clear' ? (decimal ? 'Clear' : 'C') : k}
        </button>
      ))}
    </div>
  );
}
