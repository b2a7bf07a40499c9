// Connecting for a command: the engine, then gc of what dead sessions left (as every start does).
import type Docker from 'dockerode';
import { connectEngine, type EngineInfo } from '../../engine/machines/docker-engine.js';
import { gc } from '../../engine/sessions/gc.js';
import { say } from '../output.js';

export async function connectAndCollect(): Promise<{ docker: Docker; info: EngineInfo }> {
  const engine = await connectEngine();
  const report = await gc(engine.docker);
  if (report.sessions.length) say(`Removed what ${report.sessions.length} ended session(s) left behind: ${report.sessions.map((s) => s.id).join(', ')}`);
  for (const e of report.errors) say(`gc: ${e}`);
  return engine;
}
