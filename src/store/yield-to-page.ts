/**
 * Ends the current task so the page runs input, paint and other tasks, and resumes in a new one.
 * `scheduler.yield()` where the browser has it (Chromium: the continuation keeps its place ahead
 * of tasks queued since); else a MessageChannel message, a task with no timer clamping (a nested
 * setTimeout(0) waits at least 4 ms).
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
