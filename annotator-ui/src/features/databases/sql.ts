// SQL the database page writes for the user: identifiers quoted when they must be, a table's first
// rows, and how a table or column was named in the source.
import { type DbTable } from '../../shared/api';

// Words PostgreSQL will not take as a bare column or table name.
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with'.split(
    ' ',
  ),
);

/** An identifier as it must be written in SQL: bare when it can be, double-quoted otherwise. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function tableQuery(table: string): string {
  return `SELECT * FROM ${quoteIdent(table)} LIMIT 20`;
}

/** Where a table came from, for people: a file's own name, not the server's upload folder. */
export function tableSource(t: Pick<DbTable, 'name' | 'original'>): string | null {
  if (!t.original || t.original === t.name) return null;
  return t.original.startsWith('/') ? t.original.slice(t.original.lastIndexOf('/') + 1) : t.original;
}

/** A header is worth repeating only when it says more than the column name (not just its case). */
export function headerDiffers(c: { name: string; original: string }): boolean {
  return Boolean(c.original) && c.original.toLowerCase() !== c.name.toLowerCase();
}
