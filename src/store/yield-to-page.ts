/**
 * Ends the current task so the page runs input, paint and other tasks, and resumes in a new one:
 * a MessageChannel message, a task with no timer clamping (a nested setTimeout(0) waits at least
 * 4 ms). Not `scheduler.yield()`: its continuation outranks rendering, so in Chromium a replay
 * yielding every 8 ms got a frame painted only every ~100 ms (the starvation guard), 78 frames
 * in a 2.2 s import against 118-123 with a message.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
