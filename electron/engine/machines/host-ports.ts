// Whether a port on this computer's loopback already has a listener: a lab that asks for a fixed
// port another program uses could stand in for that program, so it needs the learner's trust.
import { connect } from 'node:net';

export function portInUse(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (inUse: boolean) => { socket.destroy(); resolve(inUse); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
