// The guest agent's channel of a running VM: an exec into its runner that bridges the FIFO
// pair QEMU serves, for the VM machine and for lenses (machine-access.ts).
import type Docker from 'dockerode';
import { openExecStream, type ExecStream } from '../exec-stream.js';
import { AgentClient } from './agent-client.js';
import { lineStream } from './line-stream.js';
import { RUNNER_PATHS } from './qemu-args.js';

/**
 * The agent's channel through the runner: the FIFO pair QEMU serves, once the entry script
 * made it, held by one bridge at a time (a second reader would take the first one's lines).
 */
const AGENT_BRIDGE = `while [ ! -p ${RUNNER_PATHS.agentIn} ]; do sleep 0.05; done
l=/run/vm/agent.lock
if ! mkdir $l 2>/dev/null; then p=$(cat $l/pid 2>/dev/null); [ -n "$p" ] && [ -d /proc/$p ] && { echo 'the agent is held by another client' >&2; exit 75; }; fi
echo $$ > $l/pid
cat ${RUNNER_PATHS.agentOut} &
exec cat > ${RUNNER_PATHS.agentIn}`;

/** Opens the agent's channel of a running runner; rejects when another client holds it. */
export async function openAgent(docker: Docker, container: string): Promise<{ agent: AgentClient; bridge: ExecStream }> {
  const bridge = await openExecStream(docker, container, ['/bin/sh', '-c', AGENT_BRIDGE]);
  return { agent: new AgentClient(lineStream(bridge.stream)), bridge };
}
