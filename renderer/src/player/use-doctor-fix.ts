// When a machine could not start or the lab failed, doctor knows the fix: asked once, then each
// machine gets the fix of the first failing check that concerns its kind.
import { useCallback, useEffect, useState } from 'react';
import type { DoctorReport, MachineKind, MachineStatus } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';

const CHECKS_OF_KIND: Record<MachineKind, string[]> = {
  'container': ['engine', 'base-image'],
  'docker-host': ['engine', 'base-image', 'docker-host-view'],
  'vm': ['guest-kernel', 'accelerator'],
  'learner-computer': [],
};

export function useDoctorFix(client: LabClient, needed: boolean): { doctor?: DoctorReport; fixFor(m: MachineStatus): string | undefined } {
  const [doctor, setDoctor] = useState<DoctorReport>();
  useEffect(() => {
    if (needed && !doctor) client.call('doctor', {}).then(setDoctor, () => {});
  }, [client, needed, doctor]);
  const fixFor = useCallback((m: MachineStatus) => {
    if (!doctor) return undefined;
    const ids = CHECKS_OF_KIND[m.kind];
    const mine = (id: string) => ids.includes(id) || (m.kind === 'vm' && /^(runner|kernel):/.test(id));
    return doctor.checks.find((c) => mine(c.id) && c.status !== 'ok' && c.fix)?.fix;
  }, [doctor]);
  return { ...(doctor ? { doctor } : {}), fixFor };
}
