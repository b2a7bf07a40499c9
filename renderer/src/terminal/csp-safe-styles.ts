// xterm.js 6 writes CSS into <style> elements it creates (the scrollbar's colours in its
// Viewport; cell size and palette in the DOM renderer), which `labvisor serve`'s CSP
// (style-src 'self', no 'unsafe-inline') blocks. While xterm builds its DOM, its <style>
// elements are swapped for stand-ins that keep their CSS in a constructed stylesheet adopted by
// the document: CSSOM, which the CSP allows. The stand-in is an inert <template> (even an empty
// <style> counts as inline style for the CSP); xterm only sets its textContent and removes it,
// and removing it drops the stylesheet too.

function cspSafeStyle(doc: Document, create: (tag: string) => HTMLElement): HTMLStyleElement {
  const element = create('template') as unknown as HTMLStyleElement;
  const sheet = new CSSStyleSheet();
  let text = '';
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  Object.defineProperty(element, 'textContent', {
    configurable: true,
    get: () => text,
    set: (value: unknown) => {
      text = value == null ? '' : String(value);
      sheet.replaceSync(text);
    },
  });
  const remove = element.remove.bind(element);
  element.remove = () => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    remove();
  };
  return element;
}

/** Runs `build` (xterm's open, or a renderer switch) with <style> elements made CSP-safe. */
export function withCspSafeStyles<T>(doc: Document, build: () => T): T {
  const original = Document.prototype.createElement;
  const create = (tag: string) => original.call(doc, tag);
  Object.defineProperty(doc, 'createElement', {
    configurable: true,
    writable: true,
    value: (tag: string, options?: ElementCreationOptions) =>
      String(tag).toLowerCase() === 'style' ? cspSafeStyle(doc, create) : original.call(doc, tag, options),
  });
  try {
    return build();
  } finally {
    delete (doc as { createElement?: unknown }).createElement;
  }
}
