// `[Rebuild, don't patch](lab:rebuild-not-patch)` in step markdown: a link to another lab, which
// the player opens in the app (its catalog address, #/lab/ID). Pure.
const LAB_LINK = /^lab:([a-z][a-z0-9-]{0,30})$/;

/** The lab a markdown link opens, or undefined when it is not a `lab:` link. */
export function labOfHref(href: string | undefined): string | undefined {
  return href ? LAB_LINK.exec(href)?.[1] : undefined;
}
