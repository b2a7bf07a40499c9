// Connecting for a command: the engine, then gc of what dead sessions left (as every start does).
import type Docker from 'dockerode';
import { connectEngine, type EngineInfo } from '../../engine/machines/docker-engine.js';
import { collectedLines, gc } from '../../engine/sessions/gc.js';
import { say } from '../output.js';

export async function connectAndCollect(): Promise<{ docker: Docker; info: EngineInfo }> {
  const engine = await connectEngine();
  for (const line of collectedLines(await gc(engine.docker))) say(line[0]!.toUpperCase() + line.slice(1));
  return engine;
}
