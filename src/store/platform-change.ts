import {
  describePlatformSwitch,
  type PlatformSwitch,
  withPlatformSwitch,
} from '../core/scenario/platform-switch.ts';
import type { StepReport } from '../core/scenario/replay.ts';
import type { AppState } from './app-store.ts';
import type { Change } from './capture.ts';
import { openChange } from './workspace-changes.ts';
import { openScenario, type Snapshot, workspaceScenario } from './workspace.ts';

/** The last platform switch flipped, and what the replay on the new platform said. */
export interface PlatformChange {
  /** "host bridge windows reserved: off". */
  readonly text: string;
  readonly replayed: number;
  /** Steps whose outcome is no longer the one the scenario expects. */
  readonly mismatched: readonly StepReport[];
  /** The workspace it made: the lesson panel explains it while this is the present. */
  readonly on: Snapshot;
}

/**
 * A platform switch flipped: the whole workspace (the scenario's steps and the user's actions after
 * them) replayed on the edited platform, as one undoable entry. A lesson stays open: its workspace
 * has left the path, and the lesson says which steps now answer differently.
 */
export function platformSwitchChange(s: AppState, sw: PlatformSwitch): Change<boolean> {
  const present = s.history?.present;
  if (!present) return { result: false };
  const whole = workspaceScenario(present);
  const opened = openScenario({ ...whole, platform: withPlatformSwitch(whole.platform, sw) });
  const text = describePlatformSwitch(sw);
  if (!opened.ok)
    return {
      patch: {
        notice: {
          kind: 'error',
          text: `${text}: the platform does not set up (${opened.errors.map((e) => e.message).join('; ')}); nothing changed`,
        },
      },
      result: false,
    };
  const change = openChange(s, opened, undefined, `platform: ${text}`, present.host);
  return {
    ...change,
    patch: {
      ...change.patch,
      lesson: s.lesson,
      platformChange: {
        text,
        replayed: opened.replayed,
        mismatched: opened.mismatched,
        on: change.commit,
      },
    },
    result: true,
  };
}
