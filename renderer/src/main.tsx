// The lab player's entry: one API client for the page, then the app — or, in a browser that was
// given no token, how to get one (and no WebSocket that could only be refused).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { connectLabClient } from './api/connect.js';
import { App } from './app/App.js';

function NoToken() {
  return (
    <main className="pane-message error no-token" role="alert">
      <h1>Labvisor needs its key</h1>
      <p>This page was opened without the key of the <code>labvisor serve</code> that runs here (or with a one-time link that was already used).</p>
      <p className="fix">Open the URL that <code>labvisor serve</code> printed: <code>http://127.0.0.1:PORT/#token=…</code></p>
    </main>
  );
}

const root = createRoot(document.getElementById('root')!);
void connectLabClient().then((client) => root.render(
  <StrictMode>
    {client ? <App client={client} /> : <NoToken />}
  </StrictMode>,
));
