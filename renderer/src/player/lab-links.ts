// `[Rebuild, don't patch](lab:rebuild-not-patch)` in step markdown: a link to another lab, which
// the player opens in the app (its catalog address, #/lab/ID). Pure.
import { LAB_NAME_PATTERN } from '../../../electron/shared/ids.js';

const LAB_LINK = new RegExp(`^lab:(${LAB_NAME_PATTERN})$`);

/** The lab a markdown link opens, or undefined when it is not a `lab:` link. */
export function labOfHref(href: string | undefined): string | undefined {
  return href ? LAB_LINK.exec(href)?.[1] : undefined;
}
