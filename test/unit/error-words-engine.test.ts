// The engine's refusals a learner meets, in the words Docker 20.10 said them on a real engine
// (captured with dockerode, ids shortened): each becomes one sentence with what to do, naming
// the machine when the place is known, and never a status code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineErrorInWords } from '../../electron/engine/engine-error-words.js';
import { explain } from '../../electron/engine/error-words.js';
import { ErrorInWords } from '../../electron/engine/errors.js';
import { toApiError } from '../../electron/host-common/api-errors.js';

/** An error shaped as docker-modem makes it from the engine's answer (`json` null when the body was empty, as for a gone exec). */
function refused(statusCode: number, reason: string, message: string, json: unknown = { message }): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${message} `), { statusCode, reason, json });
}

/** Node's error for a connect that failed, as dockerode rejects with it. */
function connectFailed(code: string, address: string, port?: number): Error {
  return Object.assign(new Error(`connect ${code} ${address}${port ? `:${port}` : ''}`), { code, syscall: 'connect', address, ...(port ? { port } : {}) });
}

// A stack trace needs a second line: one line cannot hold one.
const NO_CODE = /HTTP|\b[45]\d\d\b|\n/;
const box = { machine: 'box', container: 'lv-abcd1234-box' };

const CAPTURED: Array<[string, Error, typeof box | object, string]> = [
  ['kill of a stopped container', refused(409, 'unexpected', 'Cannot kill container: 46bc64a8e614: Container 46bc64a8e614 is not running'), box,
    'machine "box" is not running: start it again (docker start lv-abcd1234-box) or Start over.'],
  ['exec started after the container stopped', refused(404, 'no such exec', 'No such exec instance: 6cc38e6c3e15', null), box,
    'machine "box" stopped while a command was starting in it: start it again (docker start lv-abcd1234-box) or Start over.'],
  ['no such container', refused(404, 'no such container', 'No such container: lv-abcd1234-box'), box,
    'machine "box" is gone (its container was removed): Start over to make it again.'],
  ['no such image (create)', refused(404, 'no such container', 'No such image: labvisor/lab-nope:1'), {},
    'The image labvisor/lab-nope:1 is not on the Docker engine: Start over to build it again.'],
  ['no such image (inspect)', refused(404, 'no such image', 'no such image: labvisor/lab-nope:1: No such image: labvisor/lab-nope:1'), {},
    'The image labvisor/lab-nope:1 is not on the Docker engine: Start over to build it again.'],
  ['no such volume', refused(404, 'no such volume', 'get lv-abcd1234-data: no such volume'), {},
    'The volume lv-abcd1234-data is gone from the Docker engine (removed outside Labvisor): Start over to make it again.'],
  ['no such network (create or connect)', refused(404, 'network or container is not found', 'network lv-abcd1234 not found'), {},
    "The lab's network lv-abcd1234 is gone from the Docker engine (removed outside Labvisor): Start over to make it again."],
  ['volume in use on remove', refused(409, 'conflict', 'remove lv-abcd1234-data: volume is in use - [d445cf72a295]'), {},
    'The volume lv-abcd1234-data is still used by a container: remove that container first (docker ps -a --filter volume=lv-abcd1234-data), then try again.'],
  ['network in use on remove', refused(403, 'unexpected', 'error while removing network: network lv-abcd1234 id ae4221c31c05 has active endpoints'), {},
    'The network lv-abcd1234 still has containers on it: remove them first (docker ps -a --filter network=lv-abcd1234), then try again.'],
  ['memory limit too low', refused(400, 'bad parameter', 'Minimum memory limit allowed is 6MB'), box,
    'Machine "box" asks for less memory than the Docker engine\'s minimum (6MB): raise memoryMb in the lab\'s lab.yaml.'],
  ['port allocated by another container', refused(500, 'server error',
    'driver failed programming external connectivity on endpoint words-p2 (6b7403ff554a): Bind for 127.0.0.1:38123 failed: port is already allocated'),
  { ports: [{ machine: 'web', host: 38123 }, { machine: 'api', host: 3000 }, { machine: 'db' }] },
  'The lab cannot publish port 38123 (machine "web"): already in use on the Docker host; stop what uses it there (or the lab that does), then Start over.'],
  ['port held by another program', refused(500, 'server error',
    'driver failed programming external connectivity on endpoint words-p3 (13e375bfa25a): Error starting userland proxy: listen tcp4 127.0.0.1:38124: bind: address already in use'), {},
  'The lab cannot publish port 38124: already in use on the Docker host; stop what uses it there (or the lab that does), then Start over.'],
  ['out of disk', refused(500, 'server error', 'Error processing tar file(exit status 1): write /v/f: no space left on device'), {},
    "The Docker engine's disk is full: free space (docker system prune), then try again."],
  ['a device the host lacks', refused(500, 'server error', 'error gathering device information while adding custom device "/dev/nope": no such file or directory'), box,
    'Machine "box" needs the device /dev/nope, which the Docker host does not have: run the lab on an engine whose host has it.'],
  ['runc not permitted (rlimit)', refused(500, 'server error',
    'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: unknown'), box,
  'Machine "box" could not start, the Docker engine was not allowed to set it up (error setting rlimit type 7: operation not permitted): run the lab on an engine with full privileges (not rootless, not inside another container).'],
  ['engine gone (socket missing)', connectFailed('ENOENT', '/var/run/docker.sock'), {},
    'The Docker engine does not answer at /var/run/docker.sock (is it running?): start Docker again (sudo systemctl start docker, or open Docker Desktop), then Start over.'],
  ['engine stopped (tcp)', connectFailed('ECONNREFUSED', '127.0.0.1', 2375), {},
    'The Docker engine does not answer at 127.0.0.1:2375 (is it running?): start Docker again (sudo systemctl start docker, or open Docker Desktop), then Start over.'],
  ['socket not this user\'s', connectFailed('EACCES', '/var/run/docker.sock'), {},
    'This user may not use the Docker engine (permission denied on /var/run/docker.sock): add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or run as root.'],
];

for (const [what, err, place, words] of CAPTURED) {
  test(`in words: ${what}`, () => {
    const said = engineErrorInWords(err, place);
    assert.equal(said, words);
    assert.doesNotMatch(said!, NO_CODE);
  });
}

test('an engine that stops answering is the API\'s `engine` error, in words', () => {
  const api = toApiError(explain(connectFailed('ENOENT', '/var/run/docker.sock'), {}));
  assert.equal(api.code, 'engine');
  assert.match(api.message, /^The Docker engine does not answer at \/var\/run\/docker\.sock/);
  assert.ok(explain(connectFailed('ECONNREFUSED', '127.0.0.1', 2375), {}) instanceof ErrorInWords);
});

test('refusals without words stay unknown: runc permission errors of an exec, other connects, unrelated 409s', () => {
  const unknown: Error[] = [
    refused(500, 'server error', 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/x": permission denied: unknown'),
    refused(500, 'server error', 'Container 46bc64a8e614 is not paused'),
    connectFailed('ECONNREFUSED', '10.0.0.5', 8080),
    Object.assign(new Error('ENOENT: no such file or directory, open \'/x\''), { code: 'ENOENT', syscall: 'open', path: '/x' }),
  ];
  for (const err of unknown) assert.equal(engineErrorInWords(err), undefined, err.message);
});
