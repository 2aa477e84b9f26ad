import { createContext } from 'react';
import type { Persistence } from '../../store/persistence.ts';

/** The tab's autosave, when the app has one (component tests mount the app without it). */
export const PersistenceContext = createContext<Persistence | undefined>(undefined);
