// The `--json` results' shapes (docs/cli.md), built field by field from the engine's objects so
// that a change inside the engine does not change what scripts read. printJson adds schemaVersion.
import type { DoctorReport } from '../engine/doctor.js';
import type { MachineStatus } from '../engine/machines/machine-driver.js';
import type { CatchUpStep } from '../engine/sessions/catch-up.js';
import type { GcReport } from '../engine/sessions/gc.js';
import type { StepOutcome } from '../engine/sessions/solve-lab.js';

export const machineJson = (m: MachineStatus) => ({
  name: m.name, kind: m.kind, readyMs: m.readyMs, accel: m.boot?.accel ?? null,
  unavailable: m.unavailable ?? null, stopped: m.stopped ?? null,
});

export const stepJson = (s: StepOutcome) => ({ id: s.id, ok: s.ok, ms: s.ms, message: s.message });

export const catchUpStepJson = (s: CatchUpStep) => ({ id: s.id, ok: s.ok, how: s.how, ms: s.ms, messages: s.messages });

export const doctorJson = (r: DoctorReport) => ({
  ok: r.ok,
  engine: r.engine ? {
    target: r.engine.target, foundBy: r.engine.foundBy, version: r.engine.version, apiVersion: r.engine.apiVersion,
    os: r.engine.os, kernel: r.engine.kernel, arch: r.engine.arch, location: r.engine.location,
  } : null,
  checks: r.checks.map((c) => ({ id: c.id, status: c.status, detail: c.detail, fix: c.fix ?? null, sharesKernel: c.sharesKernel ?? null })),
});

export const gcJson = (dryRun: boolean, r: GcReport) => ({
  dryRun,
  sessions: r.sessions.map((s) => ({
    id: s.id, lab: s.lab, owner: s.owner, ownerState: s.state,
    containers: s.containers, volumes: s.volumes, networks: s.networks, images: s.images,
  })),
  images: r.images, helpers: r.helpers, temps: r.temps, bundleLoads: r.bundleLoads, errors: r.errors,
});
