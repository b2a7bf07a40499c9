// The Electron fuses a packaged Labvisor must have (set by electron-builder from
// build/electron-builder.yml, flipped in the binary before signing). The app never needs Node
// behaviour from its binary (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect), its code must
// come from the checked app.asar only, and it serves its pages from app://, never file://, so
// file:// pages get no privileges beyond a browser's. Plain module (no 'electron'): unit-tested in Node.
import { parse } from 'yaml';

export const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  enableCookieEncryption: true,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** What is wrong with the fuses of an electron-builder config (YAML text); empty when nothing. */
export function fuseProblems(builderConfigYaml: string): string[] {
  const config: unknown = parse(builderConfigYaml);
  const fuses = typeof config === 'object' && config !== null ? (config as Record<string, unknown>).electronFuses : undefined;
  if (typeof fuses !== 'object' || fuses === null) return ['electronFuses is missing'];
  return Object.entries(REQUIRED_FUSES)
    .filter(([name, value]) => (fuses as Record<string, unknown>)[name] !== value)
    .map(([name, value]) => `electronFuses.${name} must be ${value}, is ${JSON.stringify((fuses as Record<string, unknown>)[name]) ?? 'unset'}`);
}
