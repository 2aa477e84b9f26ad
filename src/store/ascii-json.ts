/**
 * JSON text with every character outside ASCII written as its `\uXXXX` escape: the same JSON
 * value (outside strings JSON is ASCII, and inside them an escape means its character), held
 * by the engine as a one-byte string. A worker sends the autosave's texts of a big import this
 * way: one `→` in a note makes a JavaScript string two-byte, and Chromium took 200 ms of the
 * page's time to read a 20 MB two-byte string out of a message (a 25 MB one-byte one: 13 ms).
 */
export function asciiJson(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
