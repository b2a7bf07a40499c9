// Which kernel module files a guest must load, and in which order, read from the kernel's
// modules.dep: the guest's init loads them with insmod, which knows nothing of dependencies.
// The file comes from a kernel image, so its paths are checked before anything joins them.

/** What a guest needs beyond the kernel: microvm's virtio transport, the agent's console, the network, disks. */
export const GUEST_MODULES = ['virtio_mmio', 'virtio_console', 'virtio_net', 'virtio_blk'] as const;

/** kernel/drivers/char/virtio_console.ko → virtio_console; to the kernel, "-" and "_" are the same. */
export function moduleName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.ko(\.(gz|xz|zst))?$/, '').replace(/-/g, '_');
}

interface DepEntry { path: string; deps: string[] }

/**
 * Refuses a module path that could leave lib/modules/<version> once joined to it: absolute, or
 * with a `..` part (either slash, as the host joining it may be Windows).
 */
export function checkModulePath(path: string): string {
  if (/^[\\/]/.test(path) || path.split(/[\\/]/).includes('..')) {
    throw new Error(`modules.dep lists "${path}": a module path must be relative to lib/modules/<version>, without ".."`);
  }
  return path;
}

/** modules.dep: one line per module, `path: dep dep …`, paths relative to lib/modules/<version>. */
export function parseModulesDep(text: string): Map<string, DepEntry> {
  const modules = new Map<string, DepEntry>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = checkModulePath(line.slice(0, colon).trim());
    modules.set(moduleName(path), { path, deps: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean).map(checkModulePath) });
  }
  return modules;
}

/**
 * The module files (relative paths from modules.dep) to load for `wanted`, dependencies first,
 * each once. A wanted module listed in modules.builtin needs no file; one in neither is an error.
 */
export function modulesInLoadOrder(modulesDep: string, wanted: readonly string[], modulesBuiltin = ''): string[] {
  const modules = parseModulesDep(modulesDep);
  const builtin = new Set(modulesBuiltin.split('\n').map((l) => l.trim()).filter(Boolean).map(moduleName));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, wantedBy?: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const entry = modules.get(name);
    if (!entry) {
      if (builtin.has(name)) return;
      throw new Error(`kernel module ${name}${wantedBy ? ` (needed by ${wantedBy})` : ''} is neither in modules.dep nor built in`);
    }
    // modprobe loads a module's dependencies from the last listed to the first.
    for (const dep of [...entry.deps].reverse()) visit(moduleName(dep), name);
    order.push(entry.path);
  };
  for (const name of wanted) visit(moduleName(name));
  return order;
}
