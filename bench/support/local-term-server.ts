// The raw-tool baseline for terminals in the browser, run as its own process like `labvisor
// serve`: xterm.js in a plain page, and a WebSocket to a node-pty shell on this host with the
// flow control xterm.js recommends (ack after write, pause above 100 KiB, resume below 10 KiB),
// or with `?exec=CONTAINER` to `docker exec -it` in that container.
// No Labvisor code on the data path. Usage: node local-term-server.js → first stdout line: URL.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import pty from 'node-pty';
import { WebSocketServer } from 'ws';

const xtermLib = dirname(createRequire(import.meta.url).resolve('@xterm/xterm'));
const FILES: Record<string, [string, string]> = {
  '/xterm.js': [join(xtermLib, 'xterm.js'), 'text/javascript'],
  '/xterm.css': [join(xtermLib, '..', 'css', 'xterm.css'), 'text/css'],
};
/** The container's shell is busybox sh: the same shell here, so both echo the same way. */
const SHELL = existsSync('/bin/busybox') ? ['/bin/busybox', 'sh'] : ['/bin/sh'];
const FLOW = { HIGH: 100 * 1024, LOW: 10 * 1024 };

// Size and font come from the query: the bench copies them from the Labvisor terminal it compares with.
const PAGE = `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/xterm.css">
<style>html,body{margin:0;background:#000}</style><div id="term"></div>
<script src="/xterm.js"></script><script>
const q = new URLSearchParams(location.search);
const term = new Terminal({ cols: +q.get('cols'), rows: +q.get('rows'), fontSize: +q.get('size'), fontFamily: q.get('font'), scrollback: 5000 });
term.open(document.getElementById('term'));
window.lvTerm = term;
if (q.get('pty')) {
  const ws = new WebSocket('ws://' + location.host + '/pty?cols=' + term.cols + '&rows=' + term.rows + (q.get('exec') ? '&exec=' + encodeURIComponent(q.get('exec')) : ''));
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (e) => { const d = new Uint8Array(e.data); term.write(d, () => ws.send('a' + d.length)); };
  term.onData((d) => ws.send('i' + d));
}
</script>`;

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = FILES[path];
  if (file) {
    res.writeHead(200, { 'Content-Type': file[1] });
    return res.end(readFileSync(file[0]));
  }
  res.writeHead(path === '/' ? 200 : 404, { 'Content-Type': 'text/html' });
  res.end(path === '/' ? PAGE : 'not found');
});

const wss = new WebSocketServer({ server, path: '/pty' });
wss.on('connection', (ws, req) => {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  // ?exec=CONTAINER: the raw tool's own way into a container instead of a host shell.
  const container = q.get('exec');
  const argv = container ? ['docker', 'exec', '-it', '-e', 'PS1=lvb> ', '-e', 'TERM=xterm-256color', container, '/bin/sh'] : SHELL;
  const shell = pty.spawn(argv[0]!, argv.slice(1), {
    name: 'xterm-256color', cols: Number(q.get('cols')), rows: Number(q.get('rows')), cwd: tmpdir(),
    env: { ...process.env, PS1: 'lvb> ', TERM: 'xterm-256color' },
  });
  let unacked = 0;
  let paused = false;
  shell.onData((text) => {
    const data = Buffer.from(text, 'utf8');
    ws.send(data);
    unacked += data.length;
    if (!paused && unacked > FLOW.HIGH) { paused = true; shell.pause(); }
  });
  ws.on('message', (m) => {
    const s = m.toString();
    if (s[0] === 'i') shell.write(s.slice(1));
    else if (s[0] === 'a') {
      unacked = Math.max(0, unacked - Number(s.slice(1)));
      if (paused && unacked < FLOW.LOW) { paused = false; shell.resume(); }
    }
  });
  ws.on('close', () => shell.kill('SIGKILL'));
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}/\n`);
});
process.on('SIGINT', () => process.exit(0));
