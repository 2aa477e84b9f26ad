import { afterEach, describe, expect, it } from 'vitest';
import {
  channelName,
  type ChannelPort,
  type WorkspaceMessage,
  workspaceChannel,
} from '../../src/store/workspace-channel.ts';

/** Ports that deliver to every other port of the same name, as BroadcastChannel does between tabs. */
function channels() {
  const ports: { name: string; port: ChannelPort }[] = [];
  const open = (name: string): ChannelPort => {
    const port: ChannelPort = {
      onmessage: null,
      postMessage(data) {
        for (const other of ports)
          if (other.name === name && other.port !== port)
            other.port.onmessage?.({ data } as MessageEvent);
      },
      close() {
        ports.splice(
          ports.findIndex((p) => p.port === port),
          1,
        );
      },
    };
    ports.push({ name, port });
    return port;
  };
  return { open, ports };
}

let closing: (() => void)[] = [];
afterEach(() => {
  for (const close of closing) close();
  closing = [];
});

describe('the tabs of one workspace, on its channel', () => {
  it('hear each other on the same workspace only, never themselves', () => {
    const { open } = channels();
    const heard: Record<string, WorkspaceMessage[]> = { a: [], b: [], c: [] };
    const a = workspaceChannel(open, 'current', 'a', (m) => heard['a']!.push(m));
    const b = workspaceChannel(open, 'current', 'b', (m) => heard['b']!.push(m));
    const c = workspaceChannel(open, 'copy:1', 'c', (m) => heard['c']!.push(m));
    closing.push(a.close, b.close, c.close);
    b.say('opened');
    a.say('here');
    b.say('took-over');
    expect(heard['a']).toEqual([
      { kind: 'opened', from: 'b' },
      { kind: 'took-over', from: 'b' },
    ]);
    expect(heard['b']).toEqual([{ kind: 'here', from: 'a' }]);
    expect(heard['c']).toEqual([]);
    expect(channelName('current')).toBe('iova-explorer:workspace:current');
  });

  it('ignore what is not one of their messages, and hear nothing once closed', () => {
    const { open, ports } = channels();
    const heard: WorkspaceMessage[] = [];
    const a = workspaceChannel(open, 'current', 'a', (m) => heard.push(m));
    const stranger = open(channelName('current'));
    for (const data of [null, 'opened', { kind: 'opened' }, { kind: 'x', from: 'b' }, { from: 1 }])
      stranger.postMessage(data);
    expect(heard).toEqual([]);
    a.close();
    stranger.postMessage({ kind: 'left', from: 'b' });
    expect(heard).toEqual([]);
    expect(ports).toHaveLength(1);
    stranger.close();
  });

  it('say nothing and hear nothing without BroadcastChannel', () => {
    const none = workspaceChannel(undefined, 'current', 'a', () => {
      throw new Error('heard');
    });
    none.say('opened');
    none.close();
  });
});
