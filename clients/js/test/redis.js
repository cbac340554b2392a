// Debian's redis-server on a free loopback port, for the test that restarts the gateway: with history in Redis the
// channel keeps its epoch across the restart, so the browser can recover exactly what it missed. Stopped by PID.
import { spawn } from 'node:child_process';
import { freePort, withTimeout } from './helpers.js';

export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  process.once('exit', () => child.kill('SIGKILL'));
  try {
    await withTimeout(ready, `redis-server on port ${port} to be ready`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    connectionString: `127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL');
      await withTimeout(exited, `redis-server pid ${child.pid} to exit`);
    },
  };
}
