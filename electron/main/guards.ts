// What any web contents of the app may not do: attach a <webview>, open windows, navigate away
// from our page, or get a permission. A web page a lab links to opens in the system browser.
import { shell, type Session, type WebContents } from 'electron';
import { isExternalHttpUrl, permissionAllowed } from './app-origin.js';

export function guardContents(contents: WebContents, log: (line: string) => void): void {
  const openOutside = (url: string, what: string) => {
    if (isExternalHttpUrl(url)) {
      shell.openExternal(url).catch((err: Error) => log(`could not open ${url} in the browser: ${err.message}`));
    } else {
      log(`refused ${what} to ${url}`);
    }
  };
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('refused a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, 'a new window');
    return { action: 'deny' };
  });
  // The window never leaves the app: a plain link to a web page goes to the browser instead.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url, 'a navigation');
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    log(`refused a redirect to ${event.url}`);
  });
}

/** Labs need no camera, notifications, USB or anything else a page may ask for; only our page's clipboard. */
export function denyPermissions(session: Session, log: (line: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = permissionAllowed(permission, details.requestingUrl);
    if (!allowed) log(`refused the permission "${permission}"`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin));
  session.setDevicePermissionHandler(() => false);
}
