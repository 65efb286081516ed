// Page-level keyboard shortcuts for the annotation loop: single keys (ignored while typing) and Mod-S.
import { useEffect, useRef } from 'react';
import { isTypingTarget } from './loop';

export type HotkeyMap = Record<string, (e: KeyboardEvent) => void>;

/**
 * Keys: a lower-case letter or digit, "Enter" (single keys: not while typing, not with modifiers),
 * or "Mod-s" (Ctrl or Cmd, works inside the editor too, and keeps the browser's "Save page" away).
 */
export function useHotkeys(keys: HotkeyMap, enabled = true) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const map = latest.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's' && map['Mod-s']) {
        e.preventDefault();
        map['Mod-s'](e);
        return;
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
