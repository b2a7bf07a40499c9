// The one place that maps a machine kind to its driver.
import type { Machine } from '../labs/schema.js';
import type { ProgressSink } from '../progress.js';
import { ContainerMachine } from './container-machine.js';
import { DockerHostView } from './docker-host.js';
import { LearnerComputer } from './learner-computer.js';
import type { MachineDriver, SessionContext } from './machine-driver.js';
import { VmDriver } from './vm/vm-driver.js';

/** The drivers of a lab's machines, in lab.yaml order; VMs share one guest kernel and runner image. */
export function createDrivers(machines: Machine[], ctx: SessionContext, sink: ProgressSink): MachineDriver[] {
  const vms = VmDriver.sessionSupport(ctx, sink);
  return machines.map((m) => {
    switch (m.kind) {
      case 'container': return new ContainerMachine(m, ctx);
      case 'vm': return new VmDriver(m, ctx, vms);
      case 'docker-host': return new DockerHostView(m, ctx);
      case 'learner-computer': return new LearnerComputer(m, ctx);
    }
  });
}
