// The SQL editor: CodeMirror 6 with PostgreSQL highlighting, completion from the database's schema,
// and Ctrl/Cmd-Enter to run. Built from the individual packages, not the `codemirror` bundle.
import { autocompletion, closeCompletion, completionKeymap, type Completion } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { PostgreSQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
  type Command,
} from '@codemirror/view';
import { useEffect, useImperativeHandle, useRef, type ComponentProps, type ReactNode, type Ref } from 'react';
import type { DbTable } from '../shared/api';
import { Button } from './ui';

export interface SqlEditorHandle {
  /** Put text where the cursor is (replacing a selection) and focus the editor. */
  insert: (text: string) => void;
  focus: () => void;
}

/** What lang-sql completes from: every table, with its columns (and their types as detail). */
export function completionSchema(tables: Pick<DbTable, 'name' | 'columns'>[]): SQLNamespace {
  const schema: Record<string, Completion[]> = {};
  for (const t of tables) {
    schema[t.name] = (t.columns ?? []).map((c) => ({
      label: c.name,
      type: 'property',
      detail: c.type,
      info: c.original && c.original !== c.name ? `“${c.original}”` : undefined,
    }));
  }
  return schema;
}

/** The run command: Mod-Enter is Cmd on macOS and Ctrl elsewhere; Ctrl-Enter works on macOS too. */
export function runCommand(run: () => void): Command {
  return (view) => {
    closeCompletion(view);
    run();
    return true;
  };
}

export function runKeymap(run: () => void): Extension {
  const cmd = runCommand(run);
  // Highest precedence: the default keymap binds Mod-Enter to "insert blank line".
  return Prec.highest(keymap.of([{ key: 'Mod-Enter', run: cmd }, { key: 'Ctrl-Enter', run: cmd }]));
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
/** The run shortcut as people read it on this platform. */
export const RUN_SHORTCUT = isMac ? '⌘↵' : 'Ctrl+↵';

const theme = EditorView.theme({
  '&': { fontSize: '13px' },
  '.cm-content': { fontFamily: 'var(--font-mono)', padding: '8px 0' },
  '.cm-gutters': { background: 'var(--gray-50)', borderRight: '1px solid var(--border)', color: 'var(--gray-400)' },
  '.cm-activeLine': { background: 'rgb(52 81 199 / 4%)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: 'var(--primary)', color: 'var(--white)' },
});

export function SqlEditor({
  value,
  onChange,
  onRun,
  tables,
  label,
  placeholder,
  ref,
  minLines = 6,
}: {
  value: string;
  onChange: (value: string) => void;
  onRun: () => void;
  tables: Pick<DbTable, 'name' | 'columns'>[];
  label: string;
  placeholder?: string;
  ref?: Ref<SqlEditorHandle>;
  minLines?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // The editor lives across renders; these keep its callbacks pointing at the latest props.
  const latest = useRef({ onChange, onRun });
  latest.current = { onChange, onRun };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          runKeymap(() => latest.current.onRun()),
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          indentOnInput(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          autocompletion({ icons: false }),
          keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
          language.current.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: completionSchema(tables) })),
          placeholderExt(placeholder ?? ''),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // Created once; value and tables are synchronised by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A value set from outside (history, "Query" on a table) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, selection: { anchor: value.length } });
    }
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: language.current.reconfigure(
        sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema: completionSchema(tables) }),
      ),
    });
  }, [tables]);

  useImperativeHandle(ref, () => ({
    insert: (text: string) => {
      const v = view.current;
      if (!v) return;
      v.dispatch(v.state.replaceSelection(text));
      v.focus();
    },
    focus: () => view.current?.focus(),
  }));

  return <div className="sql-editor" ref={host} style={{ ['--min-lines' as string]: minLines }} data-testid="sql-editor" />;
}

/**
 * The editor in its panel with its run button (Ctrl/Cmd-Enter, off while the SQL is empty) below it;
 * `toolbar` follows the button, `children` close the panel.
 */
export function SqlRunPanel({
  runLabel,
  busy,
  size,
  toolbar,
  children,
  placeholder = 'SELECT … — Ctrl-Space completes tables and columns',
  ...editor
}: ComponentProps<typeof SqlEditor> & { runLabel: string; busy: boolean; size?: 'sm'; toolbar?: ReactNode; children?: ReactNode }) {
  return (
    <div className="panel editor-panel">
      <SqlEditor placeholder={placeholder} {...editor} />
      <div className="editor-toolbar">
        <Button variant="primary" size={size} onClick={editor.onRun} busy={busy} disabled={!editor.value.trim()} aria-keyshortcuts="Control+Enter Meta+Enter">
          {runLabel} <kbd>{RUN_SHORTCUT}</kbd>
        </Button>
        {toolbar}
      </div>
      {children}
    </div>
  );
}
