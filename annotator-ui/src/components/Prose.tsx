// The model's thoughts as readable text: paragraphs, bullet and numbered lists, **bold**, `code` and
// fenced code blocks. Markdown-ish on purpose: no HTML is ever interpreted.
import type { ReactNode } from 'react';
import { addListItem, ListBlock } from './Markdown';
import { replaceMatches } from './matches';

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)/g;

function inline(text: string, keyBase: string): ReactNode[] {
  return replaceMatches(text, INLINE, (m, n) =>
    m[1] ? <code key={`${keyBase}-${n}`}>{m[1].slice(1, -1)}</code> : <strong key={`${keyBase}-${n}`}>{m[2].slice(2, -2)}</strong>,
  );
}

type Block = { kind: 'p'; lines: string[] } | { kind: 'ul' | 'ol'; items: string[] } | { kind: 'code'; text: string };

function blocks(text: string): Block[] {
  const out: Block[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim().startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith('```'); i++) body.push(lines[i]);
      out.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    if (!line.trim()) continue;
    const prev = out[out.length - 1];
    if (addListItem(out, line, /^\s*[-*•]\s+(.*)$/, /^\s*\d+[.)]\s+(.*)$/)) continue;
    const prevLine = lines[i - 1];
    if (prev && prev.kind === 'p' && prevLine !== undefined && prevLine.trim() !== '') prev.lines.push(line);
    else out.push({ kind: 'p', lines: [line] });
  }
  return out;
}

export function Prose({ text }: { text: string }) {
  return (
    <div className="prose">
      {blocks(text).map((b, i) => {
        if (b.kind === 'code') return <pre key={i}>{b.text}</pre>;
        if (b.kind === 'p') return <p key={i}>{inline(b.lines.join('\n'), String(i))}</p>;
        return <ListBlock key={i} kind={b.kind} items={b.items} at={i} render={inline} />;
      })}
    </div>
  );
}
