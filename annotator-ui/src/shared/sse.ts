// Server-Sent Events (docs/API.md: the agent's trajectory stream and a batch's events). The endpoints
// are GET, so the browser's EventSource does the work (same-origin cookies go with it). The stream is
// closed on `done` and on unmount; when it fails, the screen falls back to polling the GET endpoint.
import { useEffect, useRef, useState } from 'react';

export type StreamState = 'idle' | 'connecting' | 'open' | 'done' | 'fallback';

export type StreamHandlers = Record<string, (data: unknown) => void>;

function parse(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return null;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/**
 * Follow `url` (null: nothing to follow) and call a handler per named event with its JSON data.
 * `done` closes the stream. A connection error, or the server's own `error` event, closes it too and
 * switches to `fallback`: the caller then polls instead. `onServerError` gets the server's message.
 */
export function useEventStream(
  url: string | null,
  handlers: StreamHandlers,
  onServerError?: (message: string) => void,
  /** Change it to open the stream again at the same URL (say, after a batch is resumed). */
  session = 0,
): StreamState {
  const [state, setState] = useState<StreamState>(url ? 'connecting' : 'idle');
  const latest = useRef({ handlers, onServerError });
  latest.current = { handlers, onServerError };

  useEffect(() => {
    if (!url) {
      setState('idle');
      return;
    }
    if (typeof EventSource === 'undefined') {
      setState('fallback');
      return;
    }
    setState('connecting');
    const source = new EventSource(url, { withCredentials: true });
    let closed = false;
    const close = (next: StreamState) => {
      if (closed) return;
      closed = true;
      source.close();
      setState(next);
    };
    const names = new Set([...Object.keys(latest.current.handlers), 'done']);
    names.delete('error');
    for (const name of names) {
      source.addEventListener(name, (e) => {
        if (closed) return;
        latest.current.handlers[name]?.(parse((e as MessageEvent).data));
        if (name === 'done') close('done');
      });
    }
    source.onopen = () => {
      if (!closed) setState('open');
    };
    // Both a failed connection and the server's `event: error` arrive here; only the latter carries data.
    source.onerror = (e) => {
      if (closed) return;
      const data = parse((e as MessageEvent).data);
      if (data && typeof data === 'object' && 'message' in data) {
        latest.current.onServerError?.(String((data as { message: unknown }).message));
      }
      close('fallback');
    };
    return () => {
      closed = true;
      source.close();
    };
  }, [url, session]);

  return state;
}
