// Form fields with their label, hint and error wired for screen readers, and the compact filter select.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShell {
  label: string;
  error?: string;
  hint?: ReactNode;
}

function FieldFrame({
  id,
  label,
  error,
  hint,
  children,
}: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The id of a field's control (given or generated) and the aria attributes that tie it to its error or hint. */
function useControl(givenId: string | undefined, error?: string, hint?: ReactNode) {
  const auto = useId();
  const id = givenId ?? auto;
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : hint ? `${id}-hint` : undefined,
  };
}

export function TextField({ label, error, hint, id, ...rest }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const control = useControl(id, error, hint);
  return (
    <FieldFrame id={control.id} label={label} error={error} hint={hint}>
      <input className="input" {...control} {...rest} />
    </FieldFrame>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  id,
  ...rest
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  const control = useControl(id, error, hint);
  return (
    <FieldFrame id={control.id} label={label} error={error} hint={hint}>
      <textarea className="input textarea" {...control} {...rest} />
    </FieldFrame>
  );
}

export function SelectField({ label, error, hint, id, children, ...rest }: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const control = useControl(id, error, hint);
  return (
    <FieldFrame id={control.id} label={label} error={error} hint={hint}>
      <select className="input select" {...control} {...rest}>
        {children}
      </select>
    </FieldFrame>
  );
}

/** A compact labelled select for a list's filter bar. */
export function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label className="filter">
      <span>{label}</span>
      <select className="input select select-compact" value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
  );
}

/** A search box, named by `label` for screen readers; `onChange` gets the text typed. */
export function SearchInput({
  label,
  value,
  onChange,
  className,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'type'> & { label: string; value: string; onChange: (text: string) => void }) {
  return <input className={`input ${className ?? ''}`} type="search" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} {...rest} />;
}
