// electron-builder afterPack hook (named in build/electron-builder.yml): runs after the app is
// packed, before it is signed and put into AppImage/deb/dmg/nsis. node-pty lives in
// app.asar.unpacked (asarUnpack); on macOS it starts every terminal through its `spawn-helper`,
// which node-pty's npm package ships without the execute bit, so a package built as-is would
// fail to open any terminal ("posix_spawnp failed"). An ES module, like the rest of the package:
// electron-builder import()s a hook that require() cannot load.
import fs from 'node:fs';
import path from 'node:path';

/** Where node-pty's unpacked files land: inside the .app bundle on macOS, under resources/ elsewhere. */
export function unpackedNodePty(appOutDir, platform, productFilename) {
  const resources = platform === 'darwin' || platform === 'mas'
    ? path.join(appOutDir, `${productFilename}.app`, 'Contents', 'Resources')
    : path.join(appOutDir, 'resources');
  return path.join(resources, 'app.asar.unpacked', 'node_modules', 'node-pty');
}

/** Every spawn-helper node-pty may load: its own build (build/Release) or a prebuild (prebuilds/<platform>-<arch>). */
function spawnHelpers(nodePty) {
  const dirs = [path.join(nodePty, 'build', 'Release')];
  const prebuilds = path.join(nodePty, 'prebuilds');
  if (fs.existsSync(prebuilds)) dirs.push(...fs.readdirSync(prebuilds).map((name) => path.join(prebuilds, name)));
  return dirs.map((dir) => path.join(dir, 'spawn-helper')).filter((file) => fs.existsSync(file));
}

export async function afterPack(context) {
  const platform = context.electronPlatformName;
  const nodePty = unpackedNodePty(context.appOutDir, platform, context.packager.appInfo.productFilename);
  if (!fs.existsSync(nodePty)) {
    throw new Error(`afterPack: ${nodePty} is missing, so the package would have no terminals; check asarUnpack in build/electron-builder.yml`);
  }
  if (platform === 'win32') return; // no spawn-helper and no execute bits on Windows
  const helpers = spawnHelpers(nodePty);
  // Only macOS builds and uses spawn-helper; Linux node-pty forks directly.
  if (helpers.length === 0 && platform !== 'linux') {
    throw new Error(`afterPack: no spawn-helper under ${nodePty}; node-pty cannot start terminals on ${platform} without it`);
  }
  for (const helper of helpers) fs.chmodSync(helper, 0o755);
}
