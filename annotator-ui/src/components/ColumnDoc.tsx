// What a dataset says a column means (BIRD's database_description files): shown under the column
// in the schema browser. The text is composed as the agent's schema context composes it
// (sqlexec.ColumnDoc.Text), so people and the agent read the same thing.
import './evidence.css';

/** A column's `doc` in the API (sqlexec.ColumnDoc). */
export interface ColumnDocData {
  name?: string;
  description?: string;
  format?: string;
  values?: string;
}

const norm = (s: string) => s.replace(/_/g, ' ').trim().split(/\s+/).join(' ').toLowerCase();

/** The doc in one line: the full name when it differs from the column's, the description, the values. */
export function columnDocText(doc: ColumnDocData | null | undefined, name: string): string {
  if (!doc) return '';
  const parts: string[] = [];
  if (doc.name && norm(doc.name) !== norm(name)) parts.push(doc.name);
  if (doc.description && norm(doc.description) !== norm(doc.name ?? '') && norm(doc.description) !== norm(name)) parts.push(doc.description);
  if (doc.values) parts.push(`values: ${doc.values}`);
  return parts.join('; ').split(/\s+/).join(' ');
}

/** The doc of a column of a database's schema, when it has one. */
export function ColumnDocNote({ column }: { column: { name: string; original?: string | null; doc?: ColumnDocData | null } }) {
  const text = columnDocText(column.doc, column.original || column.name);
  if (!text) return null;
  return (
    <div className="column-doc muted small" data-testid="column-doc">
      {text}
    </div>
  );
}
