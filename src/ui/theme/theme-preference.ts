import type { AppStore } from '../../store/app-store.ts';
import type { ThemeName } from '../../view/theme/palette.ts';

const KEY = 'iova-explorer.theme';

/** The saved theme, else the system's preference. */
export function initialTheme(): ThemeName {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'dark' || saved === 'light') return saved;
  } catch {
    // Storage can be disabled; the system preference still works.
  }
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: light)').matches
    ? 'light'
    : 'dark';
}

export function rememberTheme(store: AppStore): () => void {
  return store.subscribe((s, prev) => {
    if (s.theme === prev.theme) return;
    try {
      localStorage.setItem(KEY, s.theme);
    } catch {
      // Not remembered; nothing else depends on it.
    }
  });
}
