// Page-level keyboard shortcuts: single keys (ignored while typing), Mod-S and Mod-Shift-S.
import { useEffect, useRef } from 'react';
import { isTypingTarget } from './loop';

export type HotkeyMap = Record<string, (e: KeyboardEvent) => void>;

/**
 * Keys: a lower-case letter or digit, "Enter" (single keys: not while typing, not with modifiers),
 * "Mod-s" or "Mod-Shift-s" (Ctrl or Cmd, work inside the editor too, and keep the browser's "Save page" away).
 */
export function useHotkeys(keys: HotkeyMap, enabled = true) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const map = latest.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        const fn = map[e.shiftKey ? 'Mod-Shift-s' : 'Mod-s'];
        if (fn) {
          e.preventDefault();
          fn(e);
          return;
        }
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      // Enter on a focused button or link is that control's own action.
      if (key === 'Enter' && e.target instanceof HTMLElement && e.target.closest('button, a')) return;
      const fn = map[key];
      if (fn) {
        e.preventDefault();
        fn(e);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** How Ctrl/Cmd-S reads on this platform. */
export const SAVE_SHORTCUT =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⌘S' : 'Ctrl+S';

/** How Ctrl/Cmd-Shift-S reads on this platform (the database page's "Save as question"). */
export const SAVE_QUESTION_SHORTCUT =
  typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? '⇧⌘S' : 'Ctrl+Shift+S';
