// The parts of a form around its fields: a labelled checkbox and the row with its submit button.
import { type ReactNode } from 'react';
import { Button } from './Button';

/** A checkbox with its label to the right. */
export function Checkbox({
  checked,
  onChange,
  title,
  children,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  title?: string;
  children: ReactNode;
}) {
  return (
    <label className="checkbox" title={title}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{children}</span>
    </label>
  );
}

const ROW_CLASS = { end: 'form-actions', start: 'form-actions form-actions-start', inline: 'form-inline-submit' };

/**
 * A form's primary submit button, busy while the request is on its way, after a Cancel button when the
 * form can be left. `end` rows close a dialog or card, `start` rows follow a column of fields, `inline`
 * rows sit beside the fields of an inline form.
 */
export function SubmitRow({
  busy,
  disabled,
  onCancel,
  layout = 'end',
  children,
}: {
  busy: boolean;
  disabled?: boolean;
  onCancel?: () => void;
  layout?: keyof typeof ROW_CLASS;
  children: ReactNode;
}) {
  return (
    <div className={ROW_CLASS[layout]}>
      {onCancel && <Button onClick={onCancel}>Cancel</Button>}
      <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
        {children}
      </Button>
    </div>
  );
}
