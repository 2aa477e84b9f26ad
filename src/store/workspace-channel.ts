/**
 * What the tabs on one workspace tell each other, on a BroadcastChannel of that workspace's own.
 * The Web Lock decides which tab saves (workspace-lock.ts); these messages let the others know at
 * once: a tab that opens the workspace says so (and the tabs already there answer, so each knows
 * of the others), a tab that takes it over says so, and a tab that leaves it (closes, reloads,
 * moves to a copy) says so. In a browser without Web Locks they are the only word a tab gets
 * before the revision check (autosave.ts) stops it.
 */
export type WorkspaceMessageKind = 'opened' | 'here' | 'took-over' | 'left';

export interface WorkspaceMessage {
  readonly kind: WorkspaceMessageKind;
  /** The id of the tab that says it, unique across tabs. */
  readonly from: string;
}

/** The part of BroadcastChannel used here, so tests can pass their own. */
export interface ChannelPort {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export type OpenChannel = (name: string) => ChannelPort;

export interface WorkspaceChannel {
  say(kind: WorkspaceMessageKind): void;
  close(): void;
}

/** The channel of one workspace key, for every tab of this origin. */
export function channelName(key: string): string {
  return `iova-explorer:workspace:${key}`;
}

const KINDS: readonly string[] = ['opened', 'here', 'took-over', 'left'];

/** A message from another build of the app, or from anything else on the channel, is not trusted. */
function readMessage(data: unknown): WorkspaceMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { kind, from } = data as { kind?: unknown; from?: unknown };
  return typeof kind === 'string' && KINDS.includes(kind) && typeof from === 'string'
    ? { kind: kind as WorkspaceMessageKind, from }
    : undefined;
}

/**
 * Joins the channel of workspace `key` as tab `self`; `hear` gets every other tab's message.
 * `open` undefined (a browser without BroadcastChannel): nothing is said or heard.
 */
export function workspaceChannel(
  open: OpenChannel | undefined,
  key: string,
  self: string,
  hear: (message: WorkspaceMessage) => void,
): WorkspaceChannel {
  const port = open?.(channelName(key));
  if (port)
    port.onmessage = (event) => {
      const message = readMessage(event.data);
      if (message && message.from !== self) hear(message);
    };
  return {
    say(kind) {
      port?.postMessage({ kind, from: self } satisfies WorkspaceMessage);
    },
    close() {
      if (!port) return;
      port.onmessage = null;
      port.close();
    },
  };
}
