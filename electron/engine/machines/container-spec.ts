// The hardened container definition for a lab's container machine. Pure: turns the lab's
// declaration into Docker's create options, so the defaults are unit-tested without an engine.
import type Docker from 'dockerode';
import type { ContainerMachine } from '../labs/schema.js';

export const DEFAULTS = { memoryMb: 256, cpus: 1, pids: 256 } as const;

/** Shell-like CMDs exit at once without a TTY; such machines get a quiet keep-alive instead. */
const KEEP_ALIVE = ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'];

export function needsKeepAlive(imageCmd: string[] | undefined | null): boolean {
  if (!imageCmd || imageCmd.length === 0) return true;
  return imageCmd.length === 1 && /^(\/bin\/|\/usr\/bin\/)?(sh|ash|bash)$/.test(imageCmd[0]!);
}

/**
 * A container whose command is an init (`/sbin/init`, `init`: a "system container", as LXC runs
 * them) is its own PID 1. Docker's `--init` would put docker-init above it, and busybox init
 * refuses to run as anything but PID 1 ("init: must be run as PID 1"). Such an init reaps
 * zombies and handles signals itself, which is what `--init` is for; all other hardening stays.
 */
export function runsOwnInit(cmd: string[] | undefined | null): boolean {
  return !!cmd && cmd.length > 0 && /^(\/(usr\/)?s?bin\/)?init$/.test(cmd[0]!);
}

export interface ContainerSpecInput {
  machine: ContainerMachine;
  containerName: string;
  image: string;
  imageCmd: string[] | undefined | null;
  network: string;
  volumeNames: Record<string, string>;
  labels: Record<string, string>;
  env: Record<string, string>;
}

export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { machine, labels, network } = input;
  const res = { ...DEFAULTS, ...machine.resources };
  const memory = res.memoryMb * 1024 * 1024;
  const ports = machine.ports ?? [];
  const cmd = machine.command ?? input.imageCmd;
  return {
    name: input.containerName,
    Image: input.image,
    Cmd: machine.command ?? (needsKeepAlive(input.imageCmd) ? KEEP_ALIVE : undefined),
    Env: Object.entries({ ...machine.env, ...input.env }).map(([k, v]) => `${k}=${v}`),
    WorkingDir: machine.workdir,
    Hostname: machine.hostname ?? machine.name,
    Labels: labels,
    // Published by the session's port relay (port-publisher.ts), never by the machine itself:
    // that would need a routed network.
    ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.container}/tcp`, {}])),
    HostConfig: {
      Init: !runsOwnInit(cmd), // docker-init as PID 1, unless the container runs an init itself
      PidsLimit: res.pids,
      Memory: memory,
      MemorySwap: memory, // equal: no swap beyond the memory limit
      NanoCpus: Math.round(res.cpus * 1e9),
      CapDrop: ['ALL'],
      CapAdd: machine.capabilities ?? [],
      SecurityOpt: ['no-new-privileges'],
      Privileged: machine.privileged ?? false,
      NetworkMode: network,
      Mounts: (machine.mounts ?? []).map((m) => ({
        Type: 'volume' as const, Source: input.volumeNames[m.volume]!, Target: m.path, ReadOnly: m.readOnly ?? false,
      })),
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [machine.name] } } },
  };
}
