// A small, safe markdown renderer for guidelines: headings, paragraphs, lists, block quotes, rules,
// fenced and inline code, bold, italic and links. It builds React elements only — raw HTML in the
// text is shown as text, never interpreted — and links keep to http(s), mailto and in-page anchors.
// A rule heading ("## R3: title") gets the anchor #R3 so rules can be linked and cited.
import type { ReactNode } from 'react';
import { RULE_HEADING } from '../features/guidelines/api';
import { replaceMatches } from './matches';

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'p'; lines: string[] }
  | { kind: 'ul' | 'ol'; items: string[] }
  | { kind: 'quote'; lines: string[] }
  | { kind: 'code'; text: string; lang: string }
  | { kind: 'hr' };

type ListData = { kind: 'ul' | 'ol'; items: string[] };

const isList = (b: { kind: string } | undefined): b is ListData => b?.kind === 'ul' || b?.kind === 'ol';

/**
 * When `line` is a list item (`bullet` or `numbered` captures its text), adds it to the list `blocks`
 * ends with, or starts a list of its kind; false when it is no item.
 */
export function addListItem(blocks: { kind: string }[], line: string, bullet: RegExp, numbered: RegExp): boolean {
  const b = bullet.exec(line);
  const m = b ?? numbered.exec(line);
  if (!m) return false;
  const kind = b ? 'ul' : 'ol';
  const prev = blocks[blocks.length - 1];
  if (isList(prev) && prev.kind === kind) {
    prev.items.push(m[1]);
  } else {
    const list: ListData = { kind, items: [m[1]] };
    blocks.push(list);
  }
  return true;
}

export function parseBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^ {0,3}(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) body.push(lines[i]);
      out.push({ kind: 'code', text: body.join('\n'), lang: fence[2] });
      continue;
    }
    if (!line.trim()) continue;
    const heading = /^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line) ?? /^(#{1,6})()$/.exec(line);
    if (heading) {
      out.push({ kind: 'heading', level: heading[1].length, text: heading[2] });
      continue;
    }
    if (/^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/.test(line)) {
      out.push({ kind: 'hr' });
      continue;
    }
    const prev = out[out.length - 1];
    const continues = i > 0 && lines[i - 1].trim() !== '';
    const quote = /^ {0,3}>[ ]?(.*)$/.exec(line);
    if (quote) {
      if (prev?.kind === 'quote' && continues) prev.lines.push(quote[1]);
      else out.push({ kind: 'quote', lines: [quote[1]] });
      continue;
    }
    if (addListItem(out, line, /^\s*[-*+][ \t]+(.*)$/, /^\s*\d+[.)][ \t]+(.*)$/)) continue;
    // A lazy continuation line of a list item.
    if ((prev?.kind === 'ul' || prev?.kind === 'ol') && continues && /^\s+\S/.test(line)) {
      prev.items[prev.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (prev?.kind === 'p' && continues) prev.lines.push(line);
    else out.push({ kind: 'p', lines: [line] });
  }
  return out;
}

/** Only these links become anchors; anything else (javascript:, data:) stays text. */
export function safeHref(href: string): string | null {
  if (/^(https?:|mailto:)/i.test(href) || href.startsWith('#') || (href.startsWith('/') && !href.startsWith('//'))) return href;
  return null;
}

const INLINE =
  /`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|(?<![\w])_([^_\s](?:[^_]*[^_\s])?)_(?![\w])/g;

export function inline(text: string, key = 'i'): ReactNode[] {
  return replaceMatches(text, INLINE, (m, n) => {
    const k = `${key}-${n}`;
    if (m[1] !== undefined) return <code key={k}>{m[1]}</code>;
    if (m[2] !== undefined) {
      const href = safeHref(m[3]);
      return href ? (
        <a key={k} href={href} {...(href.startsWith('http') ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
          {inline(m[2], k)}
        </a>
      ) : (
        m[0]
      );
    }
    if (m[4] !== undefined || m[5] !== undefined) return <strong key={k}>{inline(m[4] ?? m[5], k)}</strong>;
    return <em key={k}>{inline(m[6] ?? m[7], k)}</em>;
  });
}

/** A bullet or numbered list, each item's inline markup rendered by `render` (keys `${at}-${item}`). */
export function ListBlock({ kind, items, at, render }: { kind: 'ul' | 'ol'; items: string[]; at: number; render: (text: string, key: string) => ReactNode[] }) {
  const List = kind;
  return (
    <List>
      {items.map((item, j) => (
        <li key={j}>{render(item, `${at}-${j}`)}</li>
      ))}
    </List>
  );
}

function Heading({ level, text }: { level: number; text: string }) {
  const H = `h${Math.min(level + 1, 6)}` as 'h2'; // the page has its own h1
  const rule = RULE_HEADING.exec(`${'#'.repeat(level)} ${text}`);
  if (!rule) return <H>{inline(text)}</H>;
  const id = rule[2] ? `R${rule[2]}` : null;
  return (
    <H id={id ?? undefined} className="md-rule-heading">
      {id ? (
        <a className="md-rule-id" href={`#${id}`} aria-label={`Link to rule ${id}`}>
          {id}
        </a>
      ) : (
        <span className="md-rule-id md-rule-new" title="Gets its ID when saved">
          new
        </span>
      )}{' '}
      {inline(rule[3])}
    </H>
  );
}

export function Markdown({ text, label }: { text: string; label?: string }) {
  return (
    <div className="markdown" aria-label={label}>
      {parseBlocks(text).map((b, i) => {
        switch (b.kind) {
          case 'heading':
            return <Heading key={i} level={b.level} text={b.text} />;
          case 'code':
            return (
              <pre key={i} className="md-code">
                <code>{b.text}</code>
              </pre>
            );
          case 'hr':
            return <hr key={i} />;
          case 'quote':
            return <blockquote key={i}>{inline(b.lines.join('\n'), String(i))}</blockquote>;
          case 'p':
            return <p key={i}>{inline(b.lines.join('\n'), String(i))}</p>;
          default:
            return <ListBlock key={i} kind={b.kind} items={b.items} at={i} render={inline} />;
        }
      })}
    </div>
  );
}
