// Keyboard shortcut labels, without pulling in the SQL editor (CodeMirror) to read them.
const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Ctrl/Cmd-Enter as people read it on this platform. */
export const RUN_SHORTCUT_LABEL = isMac ? '⌘↵' : 'Ctrl+↵';
