// The lab player's entry: one API client for the page, then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/app.css';
import { connectLabClient } from './api/connect.js';
import { App } from './app/App.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={connectLabClient()} />
  </StrictMode>,
);
