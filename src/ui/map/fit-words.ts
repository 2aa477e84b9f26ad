/**
 * Text cut to a width at a word boundary, with an ellipsis: a lane label never ends mid-word
 * ("0000:01:00.0, 0000:01:00.1…", not "0000:01:00.0, 0000:01:0…"); the whole text is in its
 * title. Measured with a canvas in the label's font; without one (tests), by an average advance.
 */
let context: CanvasRenderingContext2D | null | undefined;

function measure(text: string, font: string): number {
  if (context === undefined) {
    try {
      context =
        typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
    } catch {
      context = null;
    }
  }
  if (!context) return text.length * 6.5;
  context.font = `${font} ${bodyFamily()}`;
  return context.measureText(text).width;
}

let family: string | undefined;

/** The page's own font family (a canvas resolves a generic name such as system-ui differently). */
function bodyFamily(): string {
  family ??=
    (typeof getComputedStyle !== 'undefined' && getComputedStyle(document.body).fontFamily) ||
    'sans-serif';
  return family;
}

/** Word boundaries: after a space, a comma or the "·" separators the lane details use. */
const BREAK = /[\s,·]/;

/** `font` is the weight and size ("600 12px"); the family is the page's. */
export function fitWords(text: string, px: number, font: string): string {
  if (measure(text, font) <= px) return text;
  const ellipsis = '…';
  for (let end = text.length - 1; end > 0; end--) {
    if (!BREAK.test(text[end] as string)) continue;
    const cut = text.slice(0, end).replace(/[\s,·]+$/, '');
    if (cut && measure(cut + ellipsis, font) <= px) return cut + ellipsis;
  }
  // One word wider than the room: it is cut after all (the title has it whole).
  let end = text.length;
  while (end > 1 && measure(text.slice(0, end) + ellipsis, font) > px) end--;
  return text.slice(0, end) + ellipsis;
}
