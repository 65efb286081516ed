import { useState, type FormEvent } from 'react';
import { ApiError } from './api';

/**
 * Field errors for a form from a failed mutation: the 400 envelope's details.fields, plus a
 * 409 duplicate or 404 that the screen knows belongs to one field.
 */
export function fieldErrors(
  err: unknown,
  byStatus: Partial<Record<number, [field: string, message?: string]>> = {},
): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const fields = { ...err.fields };
  const mapped = byStatus[err.status];
  if (mapped && !err.isStaleVersion && !fields[mapped[0]]) fields[mapped[0]] = mapped[1] ?? err.message;
  return fields;
}

/** The error to show above a form when no field claimed it. */
export function formError(err: unknown, fields: Record<string, string>): string | null {
  if (!err) return null;
  if (Object.keys(fields).length > 0) return null;
  if (err instanceof ApiError) {
    if (err.status === 403 && err.code === 'csrf_failed') return 'Your session token is out of date. Reload the page and try again.';
    if (err.status === 403) return 'Your role does not allow this.';
    if (err.status === 503) return 'The database is unavailable. Try again in a moment.';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Empty, or a whole number from lo to hi: the check of an optional count field. */
export const wholeIn = (v: string, lo: number, hi: number) => v.trim() === '' || (Number.isInteger(Number(v)) && Number(v) >= lo && Number(v) <= hi);

/** A form's onSubmit: the browser does not send the form, `act` does what submitting it means. */
export function handleSubmit(act: () => void) {
  return (e: FormEvent) => {
    e.preventDefault();
    act();
  };
}

/**
 * A field's value and the onChange that writes what is typed or chosen back with `set`: spread on a
 * TextField, TextAreaField or SelectField. A select's options are the values of `T`.
 */
export function bindValue<T extends string>(value: T, set: (value: T) => void) {
  return { value, onChange: (e: { target: { value: string } }) => set(e.target.value as T) };
}

/**
 * A number field's range (`max` may be left open) and its value bound to state as with bindValue. The
 * value stays text, so a field being edited may be empty or half typed.
 */
export function bindNumber(value: string, set: (value: string) => void, min: number, max?: number) {
  return { type: 'number', min, max, ...bindValue(value, set) };
}

/**
 * A form's values in one state, and `set(key)`: the onChange that writes a text field's value to `key`.
 */
export function useFormState<T extends object>(initial: T) {
  const [form, setForm] = useState(initial);
  const set = (key: keyof T) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return [form, setForm, set] as const;
}
