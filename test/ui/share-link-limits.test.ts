// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { MAX_HASH_CHARS, MAX_UNPACKED_BYTES, parseHash } from '../../src/store/share-link.ts';
import { packScenario, unpackScenario } from '../../src/store/share-pack.ts';

/** Raw deflate of `bytes`, as a link would carry it, without the app's own size cap. */
async function packBytes(bytes: Uint8Array): Promise<string> {
  const compressed = new Uint8Array(
    await new Response(
      new Blob([bytes as Uint8Array<ArrayBuffer>])
        .stream()
        .pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer(),
  );
  let bin = '';
  for (const b of compressed) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('share links that are damaged or huge', () => {
  it('a packed scenario that is not base64url, or does not inflate, is a message, not a rejection', async () => {
    expect(await unpackScenario('not base64!')).toEqual({
      ok: false,
      message: expect.stringMatching(/damaged \(it is not base64url/),
    });
    const packed = await packScenario('{"format":"iova-explorer.scenario/1","steps":[]}');
    // Truncated, a reserved block type (0xff...), and a lone character: each comes back as a sentence.
    for (const damaged of [packed.slice(0, 7), '____', 'A']) {
      const r = await unpackScenario(damaged);
      expect(r.ok, damaged).toBe(false);
      expect(!r.ok && r.message).toMatch(/damaged/);
    }
  });

  it('stops inflating at the size cap and names the cap', async () => {
    const bomb = await packBytes(new Uint8Array(MAX_UNPACKED_BYTES + 1));
    expect(bomb.length).toBeLessThan(16_000);
    expect(await unpackScenario(bomb)).toEqual({
      ok: false,
      message: expect.stringContaining(`more than ${MAX_UNPACKED_BYTES / 1048576} MiB`),
    });
    // At the cap exactly, it still opens.
    const atCap = await unpackScenario(
      await packBytes(new Uint8Array(MAX_UNPACKED_BYTES).fill(32)),
    );
    expect(atCap.ok && atCap.text.length).toBe(MAX_UNPACKED_BYTES);
  });

  it('a text that inflates to something other than UTF-8 is damaged', async () => {
    const r = await unpackScenario(await packBytes(new Uint8Array([0xff, 0xfe, 0x80])));
    expect(!r.ok && r.message).toMatch(/not UTF-8/);
  });

  it('a hash above the length limit is not read, and says so', () => {
    const long = `#view=0x0-0xfff&s=${'A'.repeat(MAX_HASH_CHARS)}`;
    const parsed = parseHash(long);
    expect(parsed.packed).toBeUndefined();
    expect(parsed.view).toBeUndefined();
    expect(parsed.problem).toMatch(/characters long, above the 32,000 a link may have/);
    expect(parseHash(`#s=${'A'.repeat(MAX_HASH_CHARS - 3)}`).packed).toBeDefined();
  });
});
