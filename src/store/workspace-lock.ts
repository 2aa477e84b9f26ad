/**
 * Which tab saves a workspace: the one holding the workspace's Web Lock. A tab opened on a
 * workspace another tab holds finds the lock taken and says so; "take over" steals the lock, and
 * the tab it is stolen from learns it because its own lock request fails. Locks are released by
 * the browser when a tab closes or reloads, so a reload gets its workspace back.
 */
export interface WorkspaceLock {
  /** Takes the lock if no tab holds it, without waiting: whether this tab holds it now. */
  tryHold(): Promise<boolean>;
  /** Takes the lock from whichever tab holds it. */
  steal(): Promise<void>;
  release(): void;
}

/** The lock of one workspace key, for every tab of this origin. */
export function lockName(key: string): string {
  return `iova-explorer:workspace:${key}`;
}

/**
 * `locks` undefined (a browser without Web Locks): every tab holds the lock, and the revision
 * check before each write (autosave.ts) is what keeps one tab from overwriting another.
 */
export function workspaceLock(
  locks: LockManager | undefined,
  key: string,
  onLost: () => void,
): WorkspaceLock {
  let release: (() => void) | undefined;
  const hold = (options: LockOptions): Promise<boolean> =>
    new Promise<boolean>((granted) => {
      if (!locks) {
        granted(true);
        return;
      }
      let held = false;
      locks
        .request(lockName(key), options, (lock) => {
          if (!lock) {
            granted(false);
            return undefined;
          }
          held = true;
          granted(true);
          return new Promise<void>((done) => {
            release = done;
          });
        })
        .catch(() => {
          // A stolen lock rejects its request (AbortError): this tab no longer saves.
          if (!held) granted(false);
          else if (release) {
            release = undefined;
            onLost();
          }
        });
    });
  return {
    tryHold: () => hold({ ifAvailable: true }),
    async steal() {
      await hold({ steal: true });
    },
    release() {
      release?.();
      release = undefined;
    },
  };
}
