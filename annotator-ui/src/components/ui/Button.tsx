// Buttons and their icons.
import { type ButtonHTMLAttributes } from 'react';
import { Link, type LinkProps } from 'react-router';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const ICONS = {
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5zM12 15v2',
  alert: 'M12 8v5M12 16.5v.5M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
  empty: 'M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
};

/** Line icons drawn inline, so no icon font or emoji font is needed. */
export function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" className="icon" aria-hidden="true">
      <path d={ICONS[name]} />
    </svg>
  );
}

export function Button({
  variant = 'secondary',
  size,
  busy,
  children,
  className,
  disabled,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'sm'; busy?: boolean }) {
  return (
    <button type={type} className={buttonClass(variant, size, className)} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** A link that looks like a Button, with the same variants and size: for going to a page, not doing something. */
export function ButtonLink({ variant = 'secondary', size, className, ...rest }: LinkProps & { variant?: Variant; size?: 'sm' }) {
  return <Link className={buttonClass(variant, size, className)} {...rest} />;
}

function buttonClass(variant: Variant, size: 'sm' | undefined, className: string | undefined) {
  return ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].filter(Boolean).join(' ');
}
