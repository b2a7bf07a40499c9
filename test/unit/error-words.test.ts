// Engine errors in words: what dockerode rejects with (statusCode, json.message, the
// "(HTTP code N) reason - …" message) becomes one sentence with what to do; anything
// unforeseen one line naming the log file that holds its stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineErrorInWords } from '../../electron/engine/engine-error-words.js';
import { errorInWords, explain } from '../../electron/engine/error-words.js';
import { ErrorInWords, TrustRequiredError } from '../../electron/engine/errors.js';
import { toApiError } from '../../electron/host-common/api-errors.js';
import { report } from '../../electron/cli/output.js';
import { cannotRunIn } from '../../electron/engine/machines/script-result.js';

/** An error shaped as docker-modem makes it. */
function dockerError(statusCode: number, reason: string, message: string, json: unknown = { message }): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${message} `), { statusCode, reason, json });
}

const stopped = () => dockerError(409, 'container stopped/paused', 'Container 5b80c0ffee is not running');
const NO_CODE = /HTTP|\b[45]\d\d\b|\n|\s+at\s/;

test('exec on a stopped container: the machine is not running, start it (docker start NAME) or Start over', () => {
  const words = engineErrorInWords(stopped(), { machine: 'box', container: 'lv-abcd1234-box' });
  assert.equal(words, 'machine "box" is not running: start it again (docker start lv-abcd1234-box) or Start over.');
  assert.equal(engineErrorInWords(stopped()), 'the machine is not running: start it again or Start over.');
  const paused = dockerError(409, 'container stopped/paused', 'Container 5b80 is paused, unpause the container before exec');
  assert.equal(engineErrorInWords(paused, { machine: 'box', container: 'lv-x-box' }), 'machine "box" is paused: resume it (docker unpause lv-x-box) or Start over.');
});

test("a script that cannot run in a stopped container: the sentence as its output; an unknown refusal in the engine's words", () => {
  assert.deepEqual(cannotRunIn('box', 'lv-a-box', stopped()), {
    exitCode: 125, output: 'machine "box" is not running: start it again (docker start lv-a-box) or Start over.', timedOut: false, truncated: false, notRun: true,
  });
  assert.equal(cannotRunIn('box', 'lv-a-box', dockerError(500, 'server error', 'OCI runtime exec failed: oops')).output, 'machine "box" cannot run commands: OCI runtime exec failed: oops');
});

test('explain wraps what it has words for (the original as cause) and passes anything else through', () => {
  const err = stopped();
  const explained = explain(err, { machine: 'box' });
  assert.ok(explained instanceof ErrorInWords);
  assert.equal(explained.cause, err);
  const other = new Error('lab "x" has no step "y"');
  assert.equal(explain(other, { machine: 'box' }), other);
});

test('every known refusal is one sentence without a status code', () => {
  const cases: Array<[Error, RegExp]> = [
    [dockerError(400, 'bad parameter', 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available'),
      /^This lab asks for more CPUs than the Docker engine has \(2\): give the engine more CPUs, or lower cpus in the lab's lab\.yaml to 2 or less\.$/],
    [dockerError(404, 'no such container', 'No such container: lv-abcd1234-box'), /^the machine is gone \(its container was removed\): Start over/],
    [dockerError(500, 'server error', 'driver failed programming external connectivity on endpoint lv-x_ports: Bind for 0.0.0.0:8080 failed: port is already allocated'),
      /^The lab cannot publish port 8080: already in use on the Docker host; stop what uses it there/],
    [dockerError(500, 'server error', 'write /var/lib/docker/tmp/x: no space left on device'), /^The Docker engine's disk is full: free space \(docker system prune\)/],
    [dockerError(409, 'conflict', 'Conflict. The container name "/lv-abcd1234-box" is already in use by container "5b80". You have to remove (or rename) that container to be able to reuse that name.'),
      /^A container named lv-abcd1234-box already exists: .*docker rm -f lv-abcd1234-box/],
    [dockerError(404, 'no such image', 'No such image: labvisor/lab-x:1'), /^The image labvisor\/lab-x:1 is not on the Docker engine: Start over/],
    [dockerError(400, 'bad parameter', 'Minimum memory limit allowed is 6MB'), /^A machine asks for less memory than the Docker engine's minimum \(6MB\)/],
    // A body that was not JSON arrives as a string (or a Buffer): still read.
    [dockerError(409, 'container stopped/paused', 'Container 5b80 is not running', Buffer.from('Container 5b80 is not running')), /^the machine is not running/],
  ];
  for (const [err, expected] of cases) {
    const words = engineErrorInWords(err);
    assert.ok(words, `no words for: ${err.message}`);
    assert.match(words, expected);
    assert.doesNotMatch(words, NO_CODE);
  }
  assert.match(engineErrorInWords(cases[0]![0], { machine: 'busy' })!, /^Machine "busy" asks for more CPUs/);
});

test('our own errors keep their words; the unforeseen ones are one line naming the log with their details', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-errors-'));
  const before = process.env.LABVISOR_DATA_DIR;
  process.env.LABVISOR_DATA_DIR = dir;
  try {
    assert.equal(errorInWords(new Error('lab "x" has no step "y"')), 'lab "x" has no step "y"');
    const log = join(dir, 'logs', 'errors.log');

    const bug = new TypeError("Cannot read properties of undefined (reading 'State')");
    const line = errorInWords(bug, 'openTerminal');
    assert.equal(line, `unexpected error: Cannot read properties of undefined (reading 'State') (details in ${log})`);
    const refused = dockerError(500, 'server error', 'OCI runtime create failed: something new\nwith a second line');
    assert.equal(errorInWords(refused, 'startLab'), `the Docker engine refused: OCI runtime create failed: something new (details in ${log})`);
    const written = readFileSync(log, 'utf8');
    assert.match(written, / openTerminal\nTypeError: Cannot read properties/);
    assert.match(written, /at .*error-words\.test/, 'the stack is in the log');
    assert.match(written, / startLab\n[\s\S]*statusCode: 500/, "the engine's answer is in the log");

    // The API: a refusal is the `engine` code, in words; a bug is `internal`, one line.
    const api = toApiError(stopped());
    assert.equal(api.code, 'engine');
    assert.equal(api.message, 'the machine is not running: start it again or Start over.');
    const explained = toApiError(explain(stopped(), { machine: 'box', container: 'lv-a-box' }));
    assert.deepEqual([explained.code, explained.message], ['engine', 'machine "box" is not running: start it again (docker start lv-a-box) or Start over.']);
    assert.equal(toApiError(new TrustRequiredError('x', [])).code, 'trust-required');
    const internal = toApiError(new RangeError('Invalid array length'), 'listLabs');
    assert.equal(internal.code, 'internal');
    assert.doesNotMatch(internal.message, /\n|\s+at\s/);
  } finally {
    if (before === undefined) delete process.env.LABVISOR_DATA_DIR;
    else process.env.LABVISOR_DATA_DIR = before;
  }
});

test('the CLI reports an engine refusal in one line, without a stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-errors-'));
  const before = process.env.LABVISOR_DATA_DIR;
  process.env.LABVISOR_DATA_DIR = dir;
  const write = process.stderr.write;
  let said = '';
  process.stderr.write = ((chunk: string) => { said += chunk; return true; }) as typeof process.stderr.write;
  try {
    assert.equal(report(dockerError(400, 'bad parameter', 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available')), 1);
    assert.equal(report(new Error('boom', { cause: 1 })), 1);
    assert.equal(report(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 1);
  } finally {
    process.stderr.write = write;
    if (before === undefined) delete process.env.LABVISOR_DATA_DIR;
    else process.env.LABVISOR_DATA_DIR = before;
  }
  const lines = said.trimEnd().split('\n');
  assert.equal(lines.length, 3, said);
  assert.match(lines[0]!, /^labvisor: This lab asks for more CPUs than the Docker engine has \(2\)/);
  assert.equal(lines[1], 'labvisor: boom');
  assert.equal(lines[2], `labvisor: unexpected error: read ECONNRESET (details in ${join(dir, 'logs', 'errors.log')})`);
});
