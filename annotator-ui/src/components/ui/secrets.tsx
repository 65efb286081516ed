// Copying a value, and a secret shown once with its copy button.
import { useState, type ReactNode } from 'react';
import { Button } from './Button';

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button size="sm" onClick={copy} aria-live="polite">
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** A secret shown exactly once (token secret, generated password). */
export function SecretReveal({
  label,
  value,
  children,
  onDone,
}: {
  label: string;
  value: string;
  children: ReactNode;
  onDone: () => void;
}) {
  return (
    <div className="secret" role="region" aria-label={label}>
      <div className="secret-warning">
        <strong>Copy it now — you will not see it again.</strong> {children}
      </div>
      <div className="secret-row">
        <code className="secret-value" data-testid="secret-value">
          {value}
        </code>
        <CopyButton value={value} />
      </div>
      <div className="secret-footer">
        <Button variant="primary" size="sm" onClick={onDone}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}
