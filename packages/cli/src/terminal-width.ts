// How many terminal columns text takes, exactly as string-width measures it, without making
// every mc start pay for string-width: its module body builds an Intl.Segmenter and compiles
// `/^\p{RGI_Emoji}$/v`, 35–65 ms of a one-shot's start (a quarter of `mc tools`). Most text mc
// measures is already escaped ASCII, and its few decorations (…, │, –) are one column each, so
// string-width is loaded only for the first text that holds something else (CJK, emoji,
// combining marks). A property test holds this function to string-width's widths.

/** string-width's default export. */
type StringWidth = (typeof import("string-width"))["default"];

/**
 * Characters that are each one grapheme cluster and one column whatever surrounds them: printable
 * ASCII; Latin-1's printable letters and signs (narrow or ambiguous width, no marks; not the soft
 * hyphen U+00AD, which takes none); and the en dash, em dash, ellipsis and box line mc draws
 * (ambiguous width, narrow in string-width's default). © and ® are pictographs but not emoji
 * without a variation selector, which is not in this set.
 */
const ONE_COLUMN_EACH = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u00FF\u2013\u2014\u2026\u2502]*$/u;

let stringWidth: StringWidth | undefined;

/**
 * The display width of `text` in terminal columns, as string-width (v8, default options)
 * measures it: grapheme clusters, East Asian Width, emoji as two columns.
 * @param text - the text (mc measures escaped text)
 * @returns the number of columns
 */
export function displayWidth(text: string): number {
  if (ONE_COLUMN_EACH.test(text)) return text.length;
  return loadStringWidth()(text);
}

/**
 * Whether every character of `text` is its own grapheme cluster of one column, so the text can
 * be cut at any index: what lets a caller skip the grapheme segmenter.
 * @param text - the text
 * @returns true when {@link displayWidth} is `text.length` and every prefix is whole characters
 */
export function isOneColumnEach(text: string): boolean {
  return ONE_COLUMN_EACH.test(text);
}

function loadStringWidth(): StringWidth {
  // A require() of an ES module is what esbuild bundles as a module evaluated on first call
  // (an import would be evaluated at start); vitest, which runs these sources unbundled,
  // provides require() too.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily evaluated, see above
  stringWidth ??= (require("string-width") as typeof import("string-width")).default;
  return stringWidth;
}
